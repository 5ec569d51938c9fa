"""The ModLens command line: ``python -m core score|evaluate|train|explain|bias|models|users|review ...``.

Each subcommand lives in its own module with ``register(subparsers)``; every
:class:`~core.errors.ModLensError`, and every usage error, becomes one line on
stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from core.cli import bias, evaluate, explain, models, review, score, train, users
from core.cli.common import printable
from core.errors import ModLensError, Terminated

EXIT_USAGE = 2
EXIT_BUG = 1


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit code 2), like every other error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print ``error: MESSAGE (see PROG --help)`` and exit with code 2 (control characters escaped)."""
        self.exit(EXIT_USAGE, f"error: {printable(' '.join(message.split()))} (see {self.prog} --help)\n")


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
    restore = _stop_cleanly_on_sigterm()
    try:
        return int(args.func(args) or 0)
    except Terminated:
        print("error: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
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
    finally:
        restore()


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def _stop_cleanly_on_sigterm() -> Callable[[], object]:
    """Turn SIGTERM (``kill``, ``timeout``, a scheduler stopping a job) into :class:`Terminated` until restored.

    Without it the process dies at once and leaves the hidden temporary file of its
    output behind. Returns the function that puts the previous handler back (nothing
    to do off the main thread, where signals cannot be set).
    """
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:
        return lambda: None
    return lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def _one_line(exc: BaseException) -> str:
    """The error's message on one line, control characters escaped: it may quote a file's column names."""
    return printable(" ".join(str(exc).split())) or type(exc).__name__


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
