"""Read a file of posts into a validated table: the one entry point for CLI and dashboard.

Everything a user can get wrong about a file (format, encoding, delimiter,
missing text column, bad label values) is detected here, once, and reported as
a :class:`~core.errors.ModLensError` whose message says what to do.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from core.errors import ModLensError
from core.io.encoding import decode_text
from core.io.labels import parse_labels

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


def read_table(data: bytes, filename: str = "") -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Parse raw file bytes into a DataFrame, choosing the format from name and content.

    Returns the frame and a tuple of notes about things fixed on the way.
    """
    if not data:
        raise ModLensError("The file is empty. Upload a file with a header row and one post per row.")
    suffix = _suffix(filename)
    kind = _detect_kind(data, suffix)
    if kind == "parquet":
        frame = _read_parquet(data)
        notes: tuple[str, ...] = ()
    elif kind == "excel":
        frame = _read_excel(data)
        notes = ()
    else:
        text, encoding_notes = decode_text(data)
        frame = _read_jsonl(text) if kind == "jsonl" else _read_delimited(text, tab=suffix == ".tsv")
        notes = encoding_notes
    frame.columns = [str(c).strip() for c in frame.columns]
    if len(frame.columns) == 0:
        raise ModLensError("The file has no columns. Upload a table with a header row.")
    if len(frame) == 0:
        raise ModLensError(
            f"The file has a header ({describe_columns(frame.columns)}) but no rows. Add at least one post."
        )
    duplicated = [c for c in pd.Index(frame.columns)[pd.Index(frame.columns).duplicated()]]
    if duplicated:
        raise ModLensError(
            f"Column names must be unique; repeated: {', '.join(map(repr, duplicated[:5]))}. "
            "Rename the repeated columns."
        )
    return frame.reset_index(drop=True), notes


def find_text_column(columns: Sequence[object]) -> str | None:
    """Return the column whose name marks it as post text, or None."""
    by_lower = {str(c).strip().lower(): str(c) for c in columns}
    for name in TEXT_COLUMN_NAMES:
        if name in by_lower:
            return by_lower[name]
    return None


def resolve_text_column(frame: pd.DataFrame, text_col: str | None, *, choose_hint: str = "with --text-col") -> str:
    """Return the text column, given or found by name, or raise a helpful error."""
    if text_col is not None:
        if text_col in frame.columns:
            return text_col
        matches = [c for c in frame.columns if c.lower() == text_col.strip().lower()]
        if len(matches) == 1:
            return matches[0]
        raise ModLensError(
            f"Column '{text_col}' not found. Columns are: {describe_columns(frame.columns)}. "
            f"Choose the text column {choose_hint}."
        )
    found = find_text_column(frame.columns)
    if found is None:
        raise ModLensError(
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


def _suffix(filename: str) -> str:
    name = filename.lower()
    if name.endswith(".gz"):
        raise ModLensError("Compressed files are not supported. Unzip the file and upload the CSV inside.")
    return Path(name).suffix


def _detect_kind(data: bytes, suffix: str) -> str:
    if suffix in PARQUET_SUFFIXES or (not suffix and data[:4] == b"PAR1"):
        return "parquet"
    if suffix in EXCEL_SUFFIXES or (not suffix and data[:4] == b"PK\x03\x04"):
        return "excel"
    if suffix == ".xls":
        raise ModLensError("Old Excel (.xls) files are not supported. Save the sheet as .xlsx or CSV.")
    if suffix and suffix not in DELIMITED_SUFFIXES | JSONL_SUFFIXES:
        raise ModLensError(f"Unsupported file type '{suffix}'. Use {SUPPORTED}.")
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise ModLensError(f"The file looks like {what}, not a table of posts. Use {SUPPORTED}.")
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if not suffix and data.lstrip()[:1] in (b"{", b"["):
        return "jsonl"
    return "delimited"


def _read_parquet(data: bytes) -> pd.DataFrame:
    try:
        return pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises many types for corrupt files
        raise ModLensError(
            "The Parquet file could not be read (it may be damaged or not Parquet). "
            f"Re-export it or upload it as CSV. Detail: {_first_line(exc)}"
        ) from exc


def _read_excel(data: bytes) -> pd.DataFrame:
    try:
        return pd.read_excel(io.BytesIO(data), sheet_name=0, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise ModLensError(
            "The Excel file could not be read (it may be damaged or not .xlsx). "
            f"Save it again as .xlsx or CSV. Detail: {_first_line(exc)}"
        ) from exc


def _read_jsonl(text: str) -> pd.DataFrame:
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            return pd.read_json(io.StringIO(text), orient="records", dtype=False)
        return pd.read_json(io.StringIO(text), lines=True, dtype=False)
    except ValueError as exc:
        raise ModLensError(jsonl_error_message(exc)) from exc


def jsonl_error_message(exc: Exception) -> str:
    """What to tell the user when a JSON Lines file does not parse."""
    return (
        "The JSON Lines file could not be read: each line must be one JSON object like "
        '{"text": "..."}. ' + f"Detail: {_first_line(exc)}"
    )


def _sniff_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_delimited(text: str, *, tab: bool) -> pd.DataFrame:
    if not text.strip():
        raise ModLensError("The file is empty. Upload a file with a header row and one post per row.")
    delimiter = "\t" if tab else _sniff_delimiter(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=True,
                index_col=False,
                engine="c",
            )
    except pd.errors.ParserWarning as exc:
        raise ModLensError(_explain_long_row(text, delimiter)) from exc
    except pd.errors.EmptyDataError as exc:
        raise ModLensError("The file is empty. Upload a file with a header row and one post per row.") from exc
    except pd.errors.ParserError as exc:
        raise ModLensError(_explain_parser_error(str(exc), delimiter)) from exc


_FIELDS_RE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF_RE = re.compile(r"EOF inside string starting at row (\d+)")


def _explain_long_row(text: str, delimiter: str) -> str:
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    width = len(next(rows))
    for line, row in enumerate(rows, start=2):
        if len(row) > width:
            return _explain_parser_error(f"Expected {width} fields in line {line}, saw {len(row)}", delimiter)
    return _explain_parser_error("rows longer than the header", delimiter)


def _explain_parser_error(detail: str, delimiter: str) -> str:
    shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}[delimiter]
    fields = _FIELDS_RE.search(detail)
    if fields:
        expected, line, seen = fields.groups()
        return (
            f"Line {line} has {seen} fields but the header has {expected} ({shown}-separated). "
            "Put quotes around text that contains the separator, or fix that line."
        )
    eof = _EOF_RE.search(detail)
    if eof:
        return (
            f"A quoted field starting on row {eof.group(1)} is never closed. "
            'Close the quote (write "" for a quote inside a field) and upload again.'
        )
    return f"The file could not be read as a {shown}-separated table: {_first_line(detail)}. Fix the file."


def _first_line(value: object) -> str:
    lines = str(value).strip().splitlines()
    return lines[0][:200] if lines else type(value).__name__
