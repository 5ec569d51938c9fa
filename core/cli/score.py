"""``python -m core score INPUT [-o OUTPUT] [--model DIR] [--text-col NAME] [--raw]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.cli.common import add_model_option, add_text_col_option, load_model_from_args, progress_bar
from core.export import write_table
from core.posts import read_posts
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
    """Read, score and write; progress with posts/s on stderr."""
    posts = read_posts(args.input, text_col=args.text_col)
    model = load_model_from_args(args)
    output = args.output or args.input.with_name(args.input.stem + ".scored.csv")
    with progress_bar(len(posts), desc="scoring") as bar:

        def advance(event: ScoringProgress) -> None:
            bar.update(event.done - bar.n)

        scored = score_posts(model, posts, progress=advance)
    write_table(scored, output, raw=args.raw, metadata={"thresholds": model.thresholds_})
    return 0
