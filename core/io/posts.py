"""Read a file of posts into a validated table: the one entry point for CLI and dashboard.

Everything a user can get wrong about a file (format, encoding, delimiter,
missing text column, bad label values) is detected here, once, and reported as
a :class:`~core.errors.ModLensError` whose message says what to do.
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

from core.errors import InputError
from core.io.columns import first_named
from core.io.delimited import check_line_lengths, read_delimited
from core.io.encoding import decode_text
from core.io.excel import read_xlsx
from core.io.jsonl import read_jsonl
from core.io.labels import parse_labels
from core.io.limits import DEFAULT_LIMITS, MB, Deadline, ReadLimits
from core.io.parquet_reader import read_parquet
from core.io.source import read_source

TEXT_COLUMN_NAMES: tuple[str, ...] = (
    "comment_text",
    "text",
    "content",
    "body",
    "post",
    "message",
    "tweet",
)
"""Column names recognised as the post text, in order of preference (case-insensitive)."""

DELIMITED_SUFFIXES = {".csv", ".tsv", ".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
EXCEL_SUFFIXES = {".xlsx"}
SUPPORTED = "CSV, TSV, JSON Lines, Parquet or Excel (.xlsx)"

_BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "a program",
    b"PAR1": "a Parquet file",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) or Office file",
}


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
        """Binary labels of column ``col`` as floats (1, 0, or NaN where missing); some must be known."""
        if col not in self.frame.columns:
            raise InputError(
                f"Column '{col}' not found. Columns are: {describe_columns(self.frame.columns)}. "
                "Choose a label column that exists."
            )
        return known_labels(self.frame[col], col)


def read_posts(
    source: str | Path | bytes | IO[bytes],
    *,
    filename: str | None = None,
    text_col: str | None = None,
    label_cols: Sequence[str] = (),
    choose_hint: str = "with --text-col",
    limits: ReadLimits = DEFAULT_LIMITS,
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
    limits
        Bounds on size, rows, columns, cells and time (see :mod:`core.io.limits`);
        only regular files are read.

    Returns
    -------
    Posts
        The validated posts.

    Raises
    ------
    ModLensError
        For every problem with the file, with a message saying what to do.

    """
    data, name = read_source(source, filename, limits)
    frame, notes = read_table(data, name, limits=limits)
    column = resolve_text_column(frame, text_col, choose_hint=choose_hint)
    for col in label_cols:
        if col not in frame.columns:
            raise InputError(
                f"Label column '{col}' not found. Columns are: {describe_columns(frame.columns)}. "
                "Choose an existing label column."
            )
        known_labels(frame[col], col)
    empty = sum(1 for t in _as_texts(frame[column]) if not t.strip())
    if empty:
        notes = (*notes, empty_posts_note(empty))
    return Posts(
        frame=frame,
        text_col=column,
        label_cols=tuple(label_cols),
        source_name=name,
        content_hash=hashlib.sha256(data).hexdigest(),
        notes=notes,
    )


def read_table(
    data: bytes, filename: str = "", *, limits: ReadLimits = DEFAULT_LIMITS
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Parse raw file bytes into a DataFrame, choosing the format from name and content.

    Returns the frame and a tuple of notes about things fixed on the way. Every
    bound of ``limits`` is checked, the cheap ones before parsing.
    """
    if not data:
        raise InputError("The file is empty. Upload a file with a header row and one post per row.")
    limits.check_size(len(data))
    deadline = Deadline(limits.max_seconds)
    suffix = file_suffix(filename)
    kind = detect_kind(data, suffix)
    notes: tuple[str, ...] = ()
    if kind == "parquet":
        frame = read_parquet(data, limits, deadline)
    elif kind == "excel":
        frame = read_xlsx(data, limits, deadline)
    else:
        check_line_lengths((data[i : i + MB] for i in range(0, len(data), MB)), limits)
        text, notes = decode_text(data)
        frame = (
            read_jsonl(text, limits, deadline)
            if kind == "jsonl"
            else read_delimited(text, limits, deadline, tab=suffix == ".tsv")
        )
    frame.columns = [str(c).strip() for c in frame.columns]
    if len(frame.columns) == 0:
        raise InputError("The file has no columns. Upload a table with a header row.")
    if len(frame) == 0:
        raise InputError(
            f"The file has a header ({describe_columns(frame.columns)}) but no rows. Add at least one post."
        )
    duplicated = [c for c in pd.Index(frame.columns)[pd.Index(frame.columns).duplicated()]]
    if duplicated:
        raise InputError(
            f"Column names must be unique; repeated: {', '.join(map(repr, duplicated[:5]))}. "
            "Rename the repeated columns."
        )
    return frame.reset_index(drop=True), notes


def empty_posts_note(count: int) -> str:
    """The note for ``count`` posts whose text is empty or only whitespace."""
    return f"{count} post(s) have empty text; they are kept and scored as empty."


def known_labels(values: pd.Series, name: str) -> np.ndarray:
    """:func:`~core.io.labels.parse_labels`, refusing a column where every label is missing."""
    labels = parse_labels(values, name)
    if labels.size and np.isnan(labels).all():
        raise InputError(
            f"Column '{name}' has no labels: every value is empty or missing. "
            "Choose a column with 0/1, true/false or fractional labels."
        )
    return labels


def find_text_column(columns: Sequence[object]) -> str | None:
    """Return the column whose name marks it as post text, or None."""
    return first_named(columns, TEXT_COLUMN_NAMES)


def resolve_text_column(frame: pd.DataFrame, text_col: str | None, *, choose_hint: str = "with --text-col") -> str:
    """Return the text column, given or found by name, or raise a helpful error."""
    if text_col is not None:
        if text_col in frame.columns:
            return text_col
        matches = [c for c in frame.columns if c.lower() == text_col.strip().lower()]
        if len(matches) == 1:
            return matches[0]
        raise InputError(
            f"Column '{text_col}' not found. Columns are: {describe_columns(frame.columns)}. "
            f"Choose the text column {choose_hint}."
        )
    found = find_text_column(frame.columns)
    if found is None:
        raise InputError(
            f"Column 'text' not found. Columns are: {describe_columns(frame.columns)}. "
            f"Choose the text column {choose_hint}."
        )
    return found


def text_column_candidates(frame: pd.DataFrame) -> list[str]:
    """Columns that could hold post text (strings), most text-like first, for a picker."""
    scored = []
    for col in frame.columns:
        sample = frame[col].dropna().head(200)
        if sample.empty or not sample.map(lambda v: isinstance(v, str)).all():
            continue
        mean_len = float(sample.str.len().mean())
        scored.append((mean_len, col))
    return [c for _, c in sorted(scored, key=lambda pair: -pair[0])]


def describe_columns(columns: Sequence[object], limit: int = 12) -> str:
    """Comma-separated column names, shortened for files with thousands of columns."""
    names = [str(c) for c in columns]
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f", ... ({len(names)} columns in all)"


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


def file_suffix(filename: str) -> str:
    """Lower-case suffix of a file name; compressed files are refused."""
    name = filename.lower()
    if name.endswith(".gz"):
        raise InputError("Compressed files are not supported. Unzip the file and upload the CSV inside.")
    return Path(name).suffix


def detect_kind(data: bytes, suffix: str) -> str:
    """``parquet``, ``excel``, ``jsonl`` or ``delimited``, from the suffix and the first bytes."""
    if suffix in PARQUET_SUFFIXES or (not suffix and data[:4] == b"PAR1"):
        return "parquet"
    if suffix in EXCEL_SUFFIXES or (not suffix and data[:4] == b"PK\x03\x04"):
        return "excel"
    if suffix == ".xls":
        raise InputError("Old Excel (.xls) files are not supported. Save the sheet as .xlsx or CSV.")
    if suffix and suffix not in DELIMITED_SUFFIXES | JSONL_SUFFIXES:
        raise InputError(f"Unsupported file type '{suffix}'. Use {SUPPORTED}.")
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"The file looks like {what}, not a table of posts. Use {SUPPORTED}.")
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if not suffix and data.lstrip()[:1] in (b"{", b"["):
        return "jsonl"
    return "delimited"
