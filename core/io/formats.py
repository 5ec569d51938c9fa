"""Parse the bytes of a table of posts: CSV / TSV (delimiter sniffed), JSON Lines, Parquet or Excel.

The format comes from the file name and is checked against the content (binary
files, archives and old Excel files are refused with a message). Parser errors
become a :class:`~core.errors.ModLensError` that says which line to fix.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from pathlib import Path

import pandas as pd

from core.errors import ModLensError
from core.io.columns import describe_columns
from core.io.encoding import decode_text

__all__ = [
    "DELIMITED_SUFFIXES",
    "EXCEL_SUFFIXES",
    "JSONL_SUFFIXES",
    "PARQUET_SUFFIXES",
    "SUPPORTED",
    "detect_kind",
    "explain_long_row",
    "explain_parser_error",
    "file_suffix",
    "jsonl_error_message",
    "read_table",
    "sniff_delimiter",
]

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


def read_table(data: bytes, filename: str = "") -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Parse raw file bytes into a DataFrame, choosing the format from name and content.

    Returns the frame and a tuple of notes about things fixed on the way.
    """
    if not data:
        raise ModLensError("The file is empty. Upload a file with a header row and one post per row.")
    suffix = file_suffix(filename)
    kind = detect_kind(data, suffix)
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


def file_suffix(filename: str) -> str:
    """Lower-case suffix of ``filename``; compressed files are refused."""
    name = filename.lower()
    if name.endswith(".gz"):
        raise ModLensError("Compressed files are not supported. Unzip the file and upload the CSV inside.")
    return Path(name).suffix


def detect_kind(data: bytes, suffix: str) -> str:
    """``parquet``, ``excel``, ``jsonl`` or ``delimited``, from the suffix and the first bytes."""
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


def sniff_delimiter(text: str) -> str:
    """The separator used most in the header line (comma when none is)."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_delimited(text: str, *, tab: bool) -> pd.DataFrame:
    if not text.strip():
        raise ModLensError("The file is empty. Upload a file with a header row and one post per row.")
    delimiter = "\t" if tab else sniff_delimiter(text)
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
        raise ModLensError(explain_long_row(text, delimiter)) from exc
    except pd.errors.EmptyDataError as exc:
        raise ModLensError("The file is empty. Upload a file with a header row and one post per row.") from exc
    except pd.errors.ParserError as exc:
        raise ModLensError(explain_parser_error(str(exc), delimiter)) from exc


_FIELDS_RE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF_RE = re.compile(r"EOF inside string starting at row (\d+)")


def explain_long_row(text: str, delimiter: str) -> str:
    """The message for a row with more fields than the header, naming the first such line."""
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    width = len(next(rows))
    for line, row in enumerate(rows, start=2):
        if len(row) > width:
            return explain_parser_error(f"Expected {width} fields in line {line}, saw {len(row)}", delimiter)
    return explain_parser_error("rows longer than the header", delimiter)


def explain_parser_error(detail: str, delimiter: str) -> str:
    """The message for a pandas parser error: the line and what to fix."""
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
