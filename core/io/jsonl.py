"""JSON Lines (and a JSON array of objects): every line one object, checked line by line within the limits."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd

from core.errors import InputError, LimitExceeded
from core.io.limits import MB, Deadline, ReadLimits

__all__ = ["jsonl_chunks", "read_jsonl"]

_SHAPE = 'each line must be one JSON object like {"text": "..."}'


def _problem(detail: str) -> InputError:
    return InputError(f"The JSON Lines file could not be read: {detail}. Fix the file ({_SHAPE}).")


def _parse(line: str, number: int, limits: ReadLimits) -> object:
    """The JSON value on one line (None for a blank line), or a clear error."""
    if len(line) > limits.max_line_mb * MB:
        raise LimitExceeded(f"Line {number} is longer than {limits.max_line_mb} MB. Split that post or fix the file.")
    if not line.strip():
        return None
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise _problem(f"line {number} is not valid JSON ({exc.msg} at column {exc.colno})") from exc
    except RecursionError as exc:
        raise _problem(f"line {number} is nested too deeply") from exc


def _check(value: object, number: int, limits: ReadLimits, columns: set[str]) -> dict[str, Any]:
    """``value`` as a record, checked against the limits (``columns`` collects the names seen)."""
    if not isinstance(value, dict):
        raise _problem(f"{'item' if number < 0 else 'line'} {abs(number)} is a JSON {_kind(value)}, not an object")
    columns.update(value)
    limits.check_columns(len(columns))
    for cell in value.values():
        if isinstance(cell, str) and len(cell) > limits.max_cell_chars:
            raise limits.cell_too_long(len(cell))
    return value


def _kind(value: object) -> str:
    names = {list: "array", str: "string", bool: "true/false value", type(None): "null"}
    return names.get(type(value), "number")


def _line_records(lines: Iterable[str], limits: ReadLimits, columns: set[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, start=1):
        value = _parse(line, number, limits)
        if value is not None or line.strip():
            yield _check(value, number, limits, columns)


def read_jsonl(text: str, limits: ReadLimits, deadline: Deadline) -> pd.DataFrame:
    """The whole table of a JSON Lines text (or a JSON array of objects), within the limits."""
    columns: set[str] = set()
    if text.lstrip().startswith("["):
        try:
            values = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _problem(f"the JSON array does not parse ({exc.msg} at line {exc.lineno})") from exc
        except RecursionError as exc:
            raise _problem("the JSON array is nested too deeply") from exc
        if not isinstance(values, list):
            raise _problem("the file is not a list of objects")
        records: Iterable[dict[str, Any]] = (_check(v, -i, limits, columns) for i, v in enumerate(values, start=1))
    else:
        records = _line_records(text.split("\n"), limits, columns)
    kept: list[dict[str, Any]] = []
    for record in records:
        kept.append(record)
        if len(kept) % 10_000 == 0:
            deadline.check()
            limits.check_rows(len(kept))
            limits.check_cells(len(kept), len(columns))
    limits.check_rows(len(kept))
    limits.check_cells(len(kept), len(columns))
    return pd.DataFrame.from_records(kept) if kept else pd.DataFrame()


def jsonl_chunks(lines: Iterable[str], chunk_rows: int, limits: ReadLimits) -> Iterator[pd.DataFrame]:
    """Frames of at most ``chunk_rows`` objects from an iterable of lines (a text file handle)."""
    columns: set[str] = set()
    chunk: list[dict[str, Any]] = []
    for record in _line_records(lines, limits, columns):
        chunk.append(record)
        if len(chunk) == chunk_rows:
            yield pd.DataFrame.from_records(chunk)
            chunk = []
    if chunk:
        yield pd.DataFrame.from_records(chunk)
