"""Read a file of posts into a validated table: the one entry point for CLI and dashboard.

Everything a user can get wrong about a file (format, encoding, delimiter,
missing text column, bad label values) is detected here, once, and reported as
a :class:`~core.errors.ModLensError` whose message says what to do. Parsing the
bytes is :mod:`core.io.formats`; finding the text column is :mod:`core.io.columns`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from core.errors import ModLensError
from core.io.columns import (
    TEXT_COLUMN_NAMES,
    describe_columns,
    find_text_column,
    resolve_text_column,
    text_column_candidates,
)
from core.io.formats import SUPPORTED, read_table
from core.io.labels import parse_labels

__all__ = [
    "SUPPORTED",
    "TEXT_COLUMN_NAMES",
    "Posts",
    "describe_columns",
    "find_text_column",
    "read_posts",
    "read_table",
    "resolve_text_column",
    "text_column_candidates",
]
"""``Posts`` and ``read_posts`` live here; the other names are re-exported from :mod:`core.io.columns`
and :mod:`core.io.formats` (their homes since the split) for callers written before it."""


@dataclass(frozen=True)
class Posts:
    """Posts read from one file, with every input row in its original order.

    Parameters
    ----------
    frame
        All input columns and rows, unchanged (delimited files are read as text so
        identifiers like ``007`` keep their form).
    text_col
        Name of the column holding the post text.
    label_cols
        Columns validated as 0/1, true/false or fractional labels.
    source_name
        File name the posts came from, for messages and exports.
    content_hash
        SHA-256 of the raw file bytes; with the model version it keys cached scores.
    notes
        Non-fatal things the user should know (removed NUL bytes, empty posts, ...).

    """

    frame: pd.DataFrame
    text_col: str
    label_cols: tuple[str, ...] = ()
    source_name: str = ""
    content_hash: str = ""
    notes: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.frame)

    @cached_property
    def texts(self) -> list[str]:
        """Post texts as strings; missing values become ``""``."""
        return _as_texts(self.frame[self.text_col])

    @cached_property
    def empty_mask(self) -> np.ndarray:
        """True where the post is empty or only whitespace (scored as empty text)."""
        return np.array([not t.strip() for t in self.texts], dtype=bool)

    def labels(self, col: str) -> np.ndarray:
        """Binary labels of column ``col`` as floats (1, 0, or NaN where missing)."""
        if col not in self.frame.columns:
            raise ModLensError(
                f"Column '{col}' not found. Columns are: {describe_columns(self.frame.columns)}. "
                "Choose a label column that exists."
            )
        return parse_labels(self.frame[col], col)


def read_posts(
    source: str | Path | bytes | IO[bytes],
    *,
    filename: str | None = None,
    text_col: str | None = None,
    label_cols: Sequence[str] = (),
    choose_hint: str = "with --text-col",
) -> Posts:
    """Read a CSV, TSV, JSON Lines, Parquet or Excel file of posts and validate it.

    Parameters
    ----------
    source
        A path, the raw bytes, or a binary file object (a Streamlit upload works).
    filename
        Name used to pick the format when ``source`` is bytes or a file object.
    text_col
        The text column; when None it is found by name (see ``TEXT_COLUMN_NAMES``).
    label_cols
        Columns to validate as labels (0/1, true/false, fractions in [0, 1]).
    choose_hint
        How the user chooses a column where they are ("with --text-col" on the
        command line, "in the column picker" in the dashboard).

    Returns
    -------
    Posts
        The validated posts.

    Raises
    ------
    ModLensError
        For every problem with the file, with a message saying what to do.

    """
    data, name = _read_bytes(source, filename)
    frame, notes = read_table(data, name)
    column = resolve_text_column(frame, text_col, choose_hint=choose_hint)
    for col in label_cols:
        if col not in frame.columns:
            raise ModLensError(
                f"Label column '{col}' not found. Columns are: {describe_columns(frame.columns)}. "
                "Choose an existing label column."
            )
        parse_labels(frame[col], col)
    empty = sum(1 for t in _as_texts(frame[column]) if not t.strip())
    if empty:
        notes = (*notes, f"{empty} post(s) have empty text; they are kept and scored as empty.")
    return Posts(
        frame=frame,
        text_col=column,
        label_cols=tuple(label_cols),
        source_name=name,
        content_hash=hashlib.sha256(data).hexdigest(),
        notes=notes,
    )


def _as_texts(series: pd.Series) -> list[str]:
    values = series.tolist()
    return [v if isinstance(v, str) else ("" if _is_missing(v) else str(v)) for v in values]


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _read_bytes(source: str | Path | bytes | IO[bytes], filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        return bytes(source), filename or ""
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.exists():
            raise ModLensError(f"File '{path}' does not exist. Check the path.")
        if path.is_dir():
            raise ModLensError(f"'{path}' is a folder. Give the path of a file of posts.")
        try:
            return path.read_bytes(), filename or path.name
        except OSError as exc:
            raise ModLensError(f"Cannot read '{path}': {exc.strerror}. Check the file's permissions.") from exc
    getvalue = getattr(source, "getvalue", None)
    data = getvalue() if callable(getvalue) else source.read()
    return bytes(data), filename or str(getattr(source, "name", ""))
