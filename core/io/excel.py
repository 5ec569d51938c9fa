"""Read the first sheet of an .xlsx file within the read limits, inspecting the archive first.

An .xlsx is a zip of XML parts. Before openpyxl parses anything, the zip directory
is checked (number of parts), every part is unpacked once as a stream to measure
its real size (so a header that lies about sizes does not help a zip bomb), and
each sheet's ``<dimension>`` claim is checked against the row and column limits.
The sheet is then parsed in openpyxl's ``read_only`` mode with its claimed
dimensions ignored, row by row, stopping at the first row or cell over a limit, or once
its text adds up to more than ``max_uncompressed_mb`` (a shared string is stored once
but read into every cell that uses it, as a Parquet dictionary value is).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pandas as pd

from core.errors import InputError, LimitExceeded
from core.io.limits import MB, Deadline, ReadLimits

__all__ = ["read_xlsx"]

MAX_PARTS = 10_000
"""Most parts in an .xlsx archive (a real workbook has dozens)."""
_RATIO_FLOOR = MB
"""Parts smaller than this are not held to the compression ratio (tiny XML compresses well)."""
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?"')


def read_xlsx(data: bytes, limits: ReadLimits, deadline: Deadline) -> pd.DataFrame:
    """The first sheet as a DataFrame (first row = header), or a clear error."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InputError(_damaged(exc)) from exc
    with archive:
        _check_archive(archive, limits, deadline)
    rows = _sheet_rows(data, limits, deadline)
    return _frame(rows)


def _damaged(exc: object) -> str:
    detail = " ".join(str(exc).split())[:200] or type(exc).__name__
    return (
        "The Excel file could not be read (it may be damaged or not .xlsx). "
        f"Save it again as .xlsx or CSV. Detail: {detail}"
    )


def _check_archive(archive: zipfile.ZipFile, limits: ReadLimits, deadline: Deadline) -> None:
    """Raise when the parts are too many, too big once unpacked, too compressed, or a sheet claims too much."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise LimitExceeded(f"The Excel file has {len(parts):,} parts; a workbook has dozens. Save it as CSV.")
    budget = limits.max_uncompressed_mb * MB
    total = 0
    for part in parts:
        if part.file_size > budget:
            raise _too_big(part.file_size, limits)
        unpacked = _unpacked_size(archive, part, budget - total, deadline)
        total += unpacked
        if unpacked > _RATIO_FLOOR and unpacked > limits.max_compression_ratio * max(part.compress_size, 1):
            raise LimitExceeded(
                f"The Excel file's part {part.filename} unpacks to {unpacked / MB:,.0f} MB from "
                f"{part.compress_size / MB:,.1f} MB compressed (more than {limits.max_compression_ratio:.0f} times): "
                "it looks like a zip bomb. Save the sheet as CSV and upload that."
            )
        if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
            _check_dimension(archive, part, limits)


def _unpacked_size(archive: zipfile.ZipFile, part: zipfile.ZipInfo, budget: int, deadline: Deadline) -> int:
    """Real size of a part, found by unpacking it as a stream and stopping once over ``budget``."""
    size = 0
    try:
        with archive.open(part) as stream:
            while block := stream.read(MB):
                size += len(block)
                if size > budget:
                    raise _too_big(size, None)
                deadline.check()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError) as exc:
        raise InputError(_damaged(exc)) from exc
    return size


def _too_big(size: int, limits: ReadLimits | None) -> LimitExceeded:
    limit = f" (limit {limits.max_uncompressed_mb} MB)" if limits else ""
    return LimitExceeded(
        f"The Excel file unpacks to more than {size / MB:,.0f} MB{limit}. "
        "Save the sheet as CSV, or split it into smaller files."
    )


def _text_too_big(limits: ReadLimits) -> LimitExceeded:
    return LimitExceeded(
        f"The Excel file's text adds up to more than {limits.max_uncompressed_mb} MB once read (a text stored once "
        f"and used in many cells counts in each of them); the limit is {limits.max_uncompressed_mb} MB. "
        "Keep only the columns you need, or split the sheet into smaller files."
    )


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + char - 64
    return number


def _check_dimension(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: ReadLimits) -> None:
    """Refuse a sheet whose ``<dimension>`` claims more rows, columns or cells than the limits."""
    with archive.open(part) as stream:
        head = stream.read(64 * 1024)
    found = _DIMENSION.search(head)
    if not found or not found.group(3):
        return
    rows = int(found.group(4)) - int(found.group(2)) + 1
    columns = _column_number(found.group(3)) - _column_number(found.group(1)) + 1
    if rows - 1 > limits.max_rows or columns > limits.max_columns or rows * columns > limits.max_cells:  # 1 header
        raise LimitExceeded(
            f"The sheet claims {rows:,} rows and {columns:,} columns, more than the limits "
            f"({limits.max_rows:,} rows, {limits.max_columns:,} columns, {limits.max_cells:,} cells). "
            "Delete the unused rows and columns (or save the sheet as CSV) and upload again."
        )


def _sheet_rows(data: bytes, limits: ReadLimits, deadline: Deadline) -> list[tuple[Any, ...]]:
    """Non-empty rows of the first sheet, each checked against the limits as it is read."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputError(_damaged(exc)) from exc
    rows: list[tuple[Any, ...]] = []
    width = 0
    budget, text_bytes = limits.max_uncompressed_mb * MB, 0
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # ignore the sheet's own size claim: never pad rows to it
        for index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if index % 1_000 == 0:
                deadline.check()
            limits.check_columns(len(row))
            for value in row:
                if isinstance(value, str):
                    if len(value) > limits.max_cell_chars:
                        raise limits.cell_too_long(len(value))
                    text_bytes += len(value) if value.isascii() else len(value.encode("utf-8", "surrogatepass"))
            if text_bytes > budget:  # a shared string is stored once but copied into every cell that uses it
                raise _text_too_big(limits)
            if any(value is not None for value in row):
                rows.append(row)
                width = max(width, len(row))
                limits.check_rows(len(rows) - 1)
                limits.check_cells(len(rows), width)
    except (LimitExceeded, InputError):
        raise
    except Exception as exc:  # malformed XML inside the sheet
        raise InputError(_damaged(exc)) from exc
    finally:
        book.close()
    return rows


def _frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """First row as header (empty header cells named like pandas does), the rest as data."""
    if not rows:
        return pd.DataFrame()
    width = max(len(row) for row in rows)
    header = [
        str(value).strip() if value is not None else f"Unnamed: {i}"
        for i, value in enumerate([*rows[0], *[None] * (width - len(rows[0]))])
    ]
    body = [(*row, *[None] * (width - len(row))) for row in rows[1:]]
    return pd.DataFrame(body, columns=header)
