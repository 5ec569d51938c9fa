"""CSV and TSV: delimiter sniffing, a bounded header check, parsing in blocks, parser errors in plain words."""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from collections.abc import Iterable, Iterator

import pandas as pd

from core.errors import InputError, LimitExceeded
from core.io.limits import MB, Deadline, ReadLimits

__all__ = [
    "EMPTY_MESSAGE",
    "block_rows",
    "check_cells",
    "check_header",
    "check_line_lengths",
    "csv_blocks",
    "explain_long_row",
    "explain_parser_error",
    "read_delimited",
    "sniff_delimiter",
]

EMPTY_MESSAGE = "The file is empty (or holds only blank lines). Upload a file with a header row and one post per row."
BLOCK_ROWS = 100_000
"""Rows parsed at a time when a file is read whole; the limits are checked between blocks."""
BLOCK_CELLS = 4_000_000
"""Most cells parsed at a time: a wide file is parsed a few rows at a time (see :func:`block_rows`)."""
_DELIMITERS = (",", ";", "\t", "|")
_FIELDS_RE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF_RE = re.compile(r"EOF inside string starting at row (\d+)")


def sniff_delimiter(header: str) -> str:
    """The most frequent of ``, ; tab |`` in the header line (comma when none)."""
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def check_header(head: str, limits: ReadLimits, *, tab: bool = False) -> str:
    """Check the header line of ``head`` (the file's start) and return the delimiter.

    Only the first ``max_header_kb`` are looked at, so a header with a million
    columns, or a file without a newline, is refused before pandas sees it.
    """
    limit = limits.max_header_kb * 1024
    window = head[: limit + 1]
    end = window.find("\n")
    header = window if end < 0 else window[:end]
    delimiter = "\t" if tab else sniff_delimiter(header)
    limits.check_columns(header.count(delimiter) + 1, at_least=end < 0)
    if end < 0 and len(head) > limit:
        raise LimitExceeded(
            f"The header line is longer than {limits.max_header_kb} KB (no line break found): this is not a table "
            "of posts. Check that the file has one row per line."
        )
    return delimiter


def block_rows(head: str, delimiter: str, rows: int) -> int:
    """``rows``, or fewer for a file whose header (the first line of ``head``) has many columns.

    A block holds at most ``BLOCK_CELLS`` cells, so a wide file over the row or cell
    limits is refused after one such block, not after parsing 100,000 rows of 4,096
    cells (gigabytes: every cell costs tens of bytes however short its text).
    """
    end = head.find("\n")
    columns = (head if end < 0 else head[:end]).count(delimiter) + 1
    return max(1, min(rows, BLOCK_CELLS // columns))


def check_line_lengths(blocks: Iterable[bytes], limits: ReadLimits) -> None:
    """Raise when a line is longer than ``max_line_mb``; O(1) work per block, one pass.

    Blocks are cut into pieces no longer than the limit, so a line within one piece is
    always short enough and only the run of bytes across piece boundaries is tracked.
    """
    limit = limits.max_line_mb * MB
    run = 0
    for block in blocks:
        for start in range(0, len(block), limit):
            piece = block[start : start + limit]
            first = piece.find(b"\n")
            if first < 0:
                run += len(piece)
            elif run + first > limit:
                run += first
            else:
                run = len(piece) - piece.rfind(b"\n") - 1
            if run > limit:
                raise LimitExceeded(
                    f"The file has a line longer than {limits.max_line_mb} MB. Check that it has one row per line "
                    "(balanced quotes), or split that post."
                )


def check_cells(frame: pd.DataFrame, limits: ReadLimits) -> None:
    """Raise when a text cell of ``frame`` is longer than ``max_cell_chars`` (categorical columns too)."""
    for position in range(frame.shape[1]):
        longest = _longest_text(frame.iloc[:, position])
        if longest > limits.max_cell_chars:
            raise limits.cell_too_long(longest)


def _longest_text(values: pd.Series) -> int:
    """Characters in the longest text value of ``values`` (0 for a column without text)."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # its categories are its distinct values
        values = values.cat.remove_unused_categories().cat.categories.to_series()
    if values.dtype == object:
        lengths = values.map(lambda v: len(v) if isinstance(v, str) else 0)
    elif pd.api.types.is_string_dtype(values):
        lengths = values.str.len()
    else:
        return 0
    longest = lengths.max()
    return 0 if pd.isna(longest) else int(longest)


def csv_blocks(source: object, delimiter: str, rows: int, **options: object) -> Iterator[pd.DataFrame]:
    """Parse ``source`` (text buffer or path) as text columns in blocks of ``rows``, errors in plain words."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            reader = pd.read_csv(
                source,
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=True,
                index_col=False,
                engine="c",
                chunksize=rows,
                **options,
            )
            with reader:
                yield from reader
    except pd.errors.ParserWarning as exc:
        raise InputError(_long_row_message(source, delimiter, options)) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError(EMPTY_MESSAGE) from exc
    except pd.errors.ParserError as exc:
        raise InputError(explain_parser_error(str(exc), delimiter)) from exc


def _long_row_message(source: object, delimiter: str, options: dict[str, object]) -> str:
    """Which row is longer than the header: ``source`` is read again from its start (a path is reopened)."""
    if isinstance(source, io.StringIO):
        return explain_long_row(io.StringIO(source.getvalue()), delimiter)
    if isinstance(source, str | os.PathLike):
        encoding = str(options.get("encoding", "utf-8"))
        with open(source, encoding=encoding, errors="replace", newline="") as handle:
            return explain_long_row(handle, delimiter)
    if isinstance(source, io.IOBase) and source.seekable():  # a text handle being streamed
        source.seek(0)
        return explain_long_row(source, delimiter)
    return explain_parser_error("rows longer than the header", delimiter)


def read_delimited(text: str, limits: ReadLimits, deadline: Deadline, *, tab: bool = False) -> pd.DataFrame:
    """The whole table of a CSV/TSV text, every column as text, within the limits."""
    if not text.strip():
        raise InputError(EMPTY_MESSAGE)
    delimiter = check_header(text, limits, tab=tab)
    frames = []
    rows = 0
    for frame in csv_blocks(io.StringIO(text), delimiter, block_rows(text, delimiter, BLOCK_ROWS)):
        rows += len(frame)
        limits.check_rows(rows)
        limits.check_cells(rows, len(frame.columns))
        check_cells(frame, limits)
        frames.append(frame)
        deadline.check()
    if not frames:
        raise InputError(EMPTY_MESSAGE)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def explain_long_row(lines: Iterable[str], delimiter: str) -> str:
    """Find the first row longer than the header and say so (the parser only warns)."""
    csv.field_size_limit(1 << 30)  # a long post is a long field, not an error
    rows = csv.reader(lines, delimiter=delimiter)
    try:
        width = len(next(rows))
        for line, row in enumerate(rows, start=2):
            if len(row) > width:
                return explain_parser_error(f"Expected {width} fields in line {line}, saw {len(row)}", delimiter)
    except (csv.Error, StopIteration):
        pass
    return explain_parser_error("rows longer than the header", delimiter)


def explain_parser_error(detail: str, delimiter: str) -> str:
    """What to tell the user for a pandas parser error message."""
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
    first = (detail.strip().splitlines() or [""])[0][:200]
    return f"The file could not be read as a {shown}-separated table: {first}. Fix the file."
