"""JSON Lines (and a JSON array of objects): every line one object, checked line by line within the limits."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd

from core.errors import InputError, LimitExceeded
from core.io.encoding import without_lone_surrogates
from core.io.limits import MB, Deadline, ReadLimits

__all__ = ["jsonl_chunks", "read_jsonl"]

_SHAPE = 'each line must be one JSON object like {"text": "..."}'


def _problem(detail: str) -> InputError:
    return InputError(f"The JSON Lines file could not be read: {detail}. Fix the file ({_SHAPE}).")


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""A ``\\uD800``-``\\uDFFF`` escape: JSON can spell half an emoji (JavaScript cuts strings in UTF-16 units)."""


def _loads(text: str) -> object:
    """``json.loads``, with lone surrogates (which no encoder, Arrow or the model can take) made U+FFFD.

    A pair of surrogate escapes is one character and is kept; only a half is replaced.
    """
    value = json.loads(text)
    return _without_surrogates(value) if _SURROGATE_ESCAPE.search(text) else value


def _without_surrogates(value: object) -> object:
    if isinstance(value, str):
        return without_lone_surrogates(value)  # json joins a valid pair into one character
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_surrogates(key): _without_surrogates(item) for key, item in value.items()}
    return value


def _parse(line: str, number: int, limits: ReadLimits) -> object:
    """The JSON value on one line (None for a blank line), or a clear error."""
    if len(line) > limits.max_line_mb * MB:
        raise LimitExceeded(f"Line {number} is longer than {limits.max_line_mb} MB. Split that post or fix the file.")
    if not line.strip():
        return None
    try:
        return _loads(line)
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


def _line_records(lines: Iterable[str], limits: ReadLimits, columns: set[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records of ``lines`` with their line numbers (blank lines skipped)."""
    for number, line in enumerate(lines, start=1):
        value = _parse(line, number, limits)
        if value is not None or line.strip():
            yield number, _check(value, number, limits, columns)


def read_jsonl(text: str, limits: ReadLimits, deadline: Deadline) -> pd.DataFrame:
    """The whole table of a JSON Lines text (or a JSON array of objects), within the limits.

    Lines (or the array's items) are decoded one at a time and the limits checked after
    each, so memory grows with what is kept, never with a list of every line or item.
    An item of a list or object inside a cell counts as a cell: ``[[], [], ...]`` is
    millions of objects in a few MB.
    """
    columns: set[str] = set()
    start = len(text) - len(text.lstrip())
    if text.startswith("[", start):
        records: Iterable[dict[str, Any]] = _array_records(text, start, limits, columns)
    else:
        records = (record for _, record in _line_records(_lines(text, deadline), limits, columns))
    kept: list[dict[str, Any]] = []
    nested = 0
    for record in records:
        kept.append(record)
        nested += _nested_values(record)
        if len(kept) % 10_000 == 0:
            deadline.check()
        limits.check_rows(len(kept))
        _check_cells(len(kept), len(columns), nested, limits)
    return pd.DataFrame.from_records(kept) if kept else pd.DataFrame()


def _lines(text: str, deadline: Deadline) -> Iterator[str]:
    """The lines of ``text`` as ``str.split`` cuts them at line feeds, split a block of about 1 MB at a time.

    Never a list of every line: 200 MB of ``{}`` lines would be 66 million strings at once.
    """
    start = 0
    while True:
        end = text.find("\n", start + MB)
        if end < 0:
            yield from text[start:].split("\n")
            return
        yield from text[start:end].split("\n")
        start = end + 1
        deadline.check()  # blank lines keep no record: check the time here too


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _array_records(text: str, start: int, limits: ReadLimits, columns: set[str]) -> Iterator[dict[str, Any]]:
    """The records of the JSON array at ``text[start]`` (a ``[``), decoded and checked one item at a time."""
    items = _array_items(text, start)
    for number in itertools.count(1):
        try:
            value = next(items)
        except StopIteration:
            return
        except json.JSONDecodeError as exc:
            raise _problem(f"the JSON array does not parse ({exc.msg} at line {exc.lineno})") from exc
        except RecursionError as exc:
            raise _problem("the JSON array is nested too deeply") from exc
        yield _check(value, -number, limits, columns)


def _array_items(text: str, start: int) -> Iterator[object]:
    """The items of the JSON array at ``text[start]``, as ``json.loads`` would give them, one at a time."""
    decoder = json.JSONDecoder()
    surrogates = _SURROGATE_ESCAPE.search(text) is not None
    i = _JSON_SPACE.match(text, start + 1).end()  # type: ignore[union-attr]
    if text.startswith("]", i):
        i += 1
    else:
        while True:
            value, i = decoder.raw_decode(text, i)
            yield _without_surrogates(value) if surrogates else value
            i = _JSON_SPACE.match(text, i).end()  # type: ignore[union-attr]
            if text.startswith(",", i):
                i = _JSON_SPACE.match(text, i + 1).end()  # type: ignore[union-attr]
            elif text.startswith("]", i):
                i += 1
                break
            else:
                raise json.JSONDecodeError("Expecting ',' delimiter", text, i)
    i = _JSON_SPACE.match(text, i).end()  # type: ignore[union-attr]
    if i < len(text):
        raise json.JSONDecodeError("Extra data", text, i)


def _nested_values(record: dict[str, Any]) -> int:
    """Items of the lists and objects in ``record``'s cells, at every depth (each is an object in memory)."""
    count = 0
    stack = [value for value in record.values() if isinstance(value, list | dict)]
    while stack:
        value = stack.pop()
        count += len(value)
        stack.extend(
            item for item in (value.values() if isinstance(value, dict) else value) if isinstance(item, list | dict)
        )
    return count


def _check_cells(rows: int, columns: int, nested: int, limits: ReadLimits) -> None:
    """Raise when the cells, and the items of lists and objects inside them, are more than ``max_cells``."""
    if not nested:
        limits.check_cells(rows, columns)
    elif rows * columns + nested > limits.max_cells:
        raise LimitExceeded(
            f"The file holds {rows:,} rows of {columns:,} columns and {nested:,} values inside their lists and "
            f"objects (each item counts), more than {limits.max_cells:,} cells. Keep only the columns you need, or "
            "split the file."
        )


def jsonl_chunks(
    lines: Iterable[str], chunk_rows: int, limits: ReadLimits
) -> Iterator[tuple[pd.DataFrame, tuple[str, ...]]]:
    """Frames of at most ``chunk_rows`` objects from an iterable of lines (a text file handle), with notes.

    The first frame's columns (its keys, in the order first seen) are every frame's: a
    key missing from a line is an empty cell. A key first seen after the first frame is
    left out, with a note naming it and its line, since the rows before it are already
    written; the note says to add the key to one of the first lines to keep it.
    """
    names: list[str] | None = None  # fixed by the first frame
    known: set[str] = set()  # its names and the keys already left out
    columns: set[str] = set()
    chunk: list[dict[str, Any]] = []
    notes: list[str] = []
    for number, record in _line_records(lines, limits, columns):
        if names is not None and not known.issuperset(record):
            new = [key for key in record if key not in known]
            known.update(new)
            notes.append(_dropped_note(new, number, chunk_rows))
        chunk.append(record)
        if len(chunk) == chunk_rows:
            frame = _frame(chunk, names)
            if names is None:
                names = list(frame.columns)
                known = set(names)
            yield frame, tuple(notes)
            chunk, notes = [], []
    if chunk:
        yield _frame(chunk, names), tuple(notes)


def _frame(records: list[dict[str, Any]], names: list[str] | None) -> pd.DataFrame:
    """The records as a frame: their own keys in the order first seen, or exactly ``names``."""
    return pd.DataFrame.from_records(records) if names is None else pd.DataFrame(records, columns=names)


def _dropped_note(keys: list[str], line: int, chunk_rows: int) -> str:
    shown = ", ".join(repr(key) for key in keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
    return (
        f"Left out key(s) {shown}, first seen on line {line:,}: the columns of a streamed file are the keys of its "
        f"first {chunk_rows:,} rows. To keep them, add them to one of those rows (null where there is no value)."
    )
