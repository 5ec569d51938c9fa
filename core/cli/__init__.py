"""The ModLens command line: ``python -m core score|evaluate|train|explain|bias|models|users|review ...``.

Each subcommand lives in its own module with ``register(subparsers)``; every
:class:`~core.errors.ModLensError`, and every usage error, becomes one line on
stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from core.cli import bias, evaluate, explain, models, review, score, train, users
from core.errors import ModLensError

EXIT_USAGE = 2
EXIT_BUG = 1


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit code 2), like every other error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print ``error: MESSAGE (see PROG --help)`` and exit with code 2."""
        self.exit(EXIT_USAGE, f"error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = OneLineParser(prog="python -m core", description="ModLens: score, explain and audit posts.")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks for errors")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (score, evaluate, train, explain, bias, models, users, review):
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    args.argv = argv
    try:
        return int(args.func(args) or 0)
    except ModLensError as exc:
        if args.debug:
            raise
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: still one line, unless --debug
        if args.debug:
            raise
        print(
            f"error: unexpected {type(exc).__name__} at {_where(exc)} (a bug; run with --debug for details)",
            file=sys.stderr,
        )
        return EXIT_BUG


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _where(exc: BaseException) -> str:
    """File and line where a bug was raised. The message is left out: it may quote post text."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "an unknown place"
    package = Path(__file__).resolve().parents[1]
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(package)]
    frame = (ours or frames)[-1]
    path = Path(frame.filename).resolve()
    name = path.relative_to(package.parent) if ours else path.name
    return f"{name}:{frame.lineno}"
