"""``python -m core score INPUT [-o OUTPUT] [--model DIR] [--text-col NAME] [--raw]``."""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.cli.common import (
    add_model_option,
    add_text_col_option,
    load_model_from_args,
    print_notes,
    progress_bar,
)
from core.io.posts import empty_posts_note
from core.io.streaming import ChunkWriter, iter_posts
from core.io.targets import check_output_file
from core.scoring import ScoringProgress, score_posts


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``score`` subcommand."""
    parser = subparsers.add_parser(
        "score", help="score every post of a file", description="Score every post of a file."
    )
    parser.add_argument("input", type=Path, metavar="INPUT", help="CSV, TSV, JSON Lines, Parquet or Excel file")
    parser.add_argument(
        "-o", "--output", type=Path, default=None, help="output file (.csv, .parquet, .jsonl); default INPUT.scored.csv"
    )
    add_model_option(parser)
    add_text_col_option(parser)
    parser.add_argument("--raw", action="store_true", help="do not escape formula-like cells in CSV output")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read, score and write in chunks (memory stays flat); progress with posts/s on stderr.

    The output path is checked first (not the input, a writable folder, a known suffix),
    then the input's first chunk is read, and only then the model loads.
    """
    output = args.output or args.input.with_name(args.input.stem + ".scored.csv")
    check_output_file(output, inputs=(args.input,))
    chunks = iter_posts(args.input, text_col=args.text_col)
    first = next(chunks)
    model = load_model_from_args(args)
    shown: set[str] = set()
    empty = 0
    with (
        ChunkWriter(output, raw=args.raw, metadata={"thresholds": model.thresholds_}, inputs=(args.input,)) as writer,
        progress_bar(None, desc="scoring") as bar,
    ):
        for posts in itertools.chain([first], chunks):
            print_notes(posts.notes, shown)
            empty += int(posts.empty_mask.sum())
            writer.write(score_posts(model, posts, progress=_advance(bar)))
    print_notes([empty_posts_note(empty)] if empty else [], shown)
    return 0


def _advance(bar: Any) -> Callable[[ScoringProgress], None]:
    """Progress callback for one chunk that moves the overall bar."""
    start = bar.n

    def advance(event: ScoringProgress) -> None:
        bar.update(start + event.done - bar.n)

    return advance
