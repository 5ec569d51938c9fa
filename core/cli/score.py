"""``python -m core score INPUT [-o OUTPUT] [--model DIR] [--text-col NAME] [--raw] [--engine local|ray ...]``.

The local engine (default) streams one file through one process. ``--engine ray``
scores a file, a folder or a glob of files on a Ray cluster into a folder of
Parquet parts with a manifest (:mod:`core.distributed.ray_engine`).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import sys
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
from core.errors import ModLensError
from core.io.posts import empty_posts_note
from core.io.streaming import ChunkWriter, iter_posts
from core.io.targets import check_output_file
from core.scoring import ScoringProgress, score_posts


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``score`` subcommand."""
    parser = subparsers.add_parser(
        "score", help="score every post of a file", description="Score every post of a file."
    )
    parser.add_argument(
        "input",
        type=Path,
        metavar="INPUT",
        help="CSV, TSV, JSON Lines, Parquet or Excel file (--engine ray: also a folder or a quoted glob)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="output file (.csv, .parquet, .jsonl); default INPUT.scored.csv. --engine ray: output folder",
    )
    add_model_option(parser)
    add_text_col_option(parser)
    parser.add_argument("--raw", action="store_true", help="do not escape formula-like cells in CSV output")
    parser.add_argument(
        "--long-posts",
        choices=("windows", "first"),
        default="windows",
        help="posts longer than the model's window: score every window and keep the highest (default), "
        "or read only the first window (faster, misses late insults)",
    )
    cluster = parser.add_argument_group("cluster (--engine ray)")
    cluster.add_argument("--engine", choices=("local", "ray"), default="local", help="where to score (default local)")
    cluster.add_argument(
        "--address", default=None, help="Ray cluster address (default: RAY_ADDRESS, else start a local cluster)"
    )
    cluster.add_argument("--actors", type=int, default=None, help="scoring actors (default: one per CPU)")
    cluster.add_argument(
        "--cpus-per-actor", type=float, default=None, help="CPUs (and TensorFlow threads) per actor (default 1)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read, score and write in chunks (memory stays flat); progress with posts/s on stderr.

    The output path is checked first (not the input, a writable folder, a known suffix),
    then the input's first chunk is read, and only then the model loads.
    """
    if args.engine == "ray":
        return _run_ray(args)
    cluster = [name for name in ("address", "actors", "cpus_per_actor") if getattr(args, name) is not None]
    if cluster:
        given = ", ".join("--" + name.replace("_", "-") for name in cluster)
        raise ModLensError(f"{given}: for --engine ray only. Add --engine ray, or leave them out.")
    output = args.output or args.input.with_name(args.input.stem + ".scored.csv")
    check_output_file(output, inputs=(args.input,))
    chunks = iter_posts(args.input, text_col=args.text_col)
    first = next(chunks)
    _one_thread_per_op()
    model = load_model_from_args(args)
    model.long_posts = args.long_posts
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


def _one_thread_per_op() -> None:
    """TensorFlow ops on one thread each: the fused runtime scores batches on parallel threads instead.

    Splitting each small LSTM step over threads mostly adds spin-waiting (about 15% more
    CPU time measured on long comments); whole batches in parallel use the cores fully.
    """
    from core.model.network import tf

    with contextlib.suppress(RuntimeError):  # TensorFlow already started in this process (tests): keep it
        tf.config.threading.set_intra_op_parallelism_threads(1)


def _run_ray(args: argparse.Namespace) -> int:
    """Score on a Ray cluster into the folder ``-o``; a one-line summary on stderr."""
    from core.registry import active_model_dir

    if args.output is None:
        raise ModLensError("--engine ray writes a folder of Parquet parts: give it with -o OUTDIR.")
    try:
        from core.distributed.ray_engine import RayJob, run
    except ImportError as exc:
        raise ModLensError(f"--engine ray needs Ray Data ({exc}). Install the requirements: make install.") from exc
    job = RayJob(
        source=str(args.input),
        outdir=args.output,
        model_dir=Path(args.model or active_model_dir()),
        text_col=args.text_col,
        address=args.address,
        actors=args.actors,
        cpus_per_actor=1.0 if args.cpus_per_actor is None else args.cpus_per_actor,
        long_posts=args.long_posts,
    )
    manifest = run(job)
    for entry in manifest["files"]:
        print_notes(f"{Path(entry['path']).name}: {note}" for note in entry.get("notes", ()))
    print(
        f"scored {manifest['rows_out']:,} posts from {len(manifest['files'])} file(s) in {manifest['seconds']:.1f} s "
        f"with {manifest['actors']} actor(s); manifest: {args.output / 'manifest.json'}",
        file=sys.stderr,
    )
    return 0


def _advance(bar: Any) -> Callable[[ScoringProgress], None]:
    """Progress callback for one chunk that moves the overall bar."""
    start = bar.n

    def advance(event: ScoringProgress) -> None:
        bar.update(start + event.done - bar.n)

    return advance
