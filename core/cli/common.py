"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import ModLensError
from core.registry import active_model_dir

if TYPE_CHECKING:
    from core.model.classifier import ToxicityClassifier


def add_model_option(parser: argparse.ArgumentParser) -> None:
    """``--model DIR``, defaulting to the active model."""
    parser.add_argument(
        "--model", type=Path, default=None, metavar="DIR", help="model directory (default: the active model)"
    )


def add_text_col_option(parser: argparse.ArgumentParser) -> None:
    """``--text-col NAME``; found by name when omitted."""
    parser.add_argument(
        "--text-col", default=None, metavar="NAME", help="column with the post text (default: found by name)"
    )


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """``--database URL``: default ``$MODLENS_DATABASE_URL`` or the SQLite file in ``$MODLENS_HOME``."""
    parser.add_argument(
        "--database",
        default=None,
        metavar="URL",
        help="sqlite:///PATH or postgresql://USER@HOST/DB (default: $MODLENS_DATABASE_URL, else "
        "$MODLENS_HOME/modlens.db)",
    )


def add_actor_option(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """``--as USER``: the account the action is done and recorded as."""
    parser.add_argument(
        "--as",
        dest="as_user",
        required=required,
        default=None,
        metavar="USER",
        help="act as this user" + ("" if required else " (default: the demo admin while there are no accounts)"),
    )


def load_model_from_args(args: argparse.Namespace) -> ToxicityClassifier:
    """Load ``--model`` or the active model."""
    from core.model.classifier import ToxicityClassifier

    return ToxicityClassifier.load(args.model or active_model_dir())


def label_index(model: ToxicityClassifier, label: str | None) -> int:
    """Column of ``label`` in the model's outputs (the first label when None)."""
    if label is None:
        return 0
    if label not in model.labels_:
        raise ModLensError(f"Label '{label}' is not a model label. Model labels are: {', '.join(model.labels_)}.")
    return model.labels_.index(label)


def label_for_column(model: ToxicityClassifier, label: str | None, label_col: str) -> int:
    """Column of the model label to judge against the file's ``label_col``.

    ``label`` when given; else the model label named like the column (``--label-col hate``
    judges the hate score); else the first label.
    """
    return label_index(model, label or (label_col if label_col in model.labels_ else None))


def print_notes(notes: Iterable[str], shown: set[str] | None = None) -> None:
    """Print the reader's notes (encoding fallback, removed NUL bytes, empty posts) to stderr, each once."""
    for note in notes:
        if shown is not None:
            if note in shown:
                continue
            shown.add(note)
        print(f"note: {printable(note)}", file=sys.stderr)


def printable(text: str) -> str:
    """``text`` with control characters escaped, so file contents cannot drive the terminal."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in str(text))


def progress_bar(total: int | None, unit: str = "posts", desc: str = ""):
    """A progress bar on stderr with the rate (posts/s); silent when stderr is not a terminal (pipes, CI logs)."""
    from tqdm import tqdm

    return tqdm(
        total=total,
        unit=unit,
        desc=desc,
        file=sys.stderr,
        dynamic_ncols=True,
        mininterval=0.5,
        unit_scale=True,
        disable=None,  # None: off unless stderr is a terminal
    )
