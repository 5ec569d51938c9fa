"""Read a Parquet file with its decoded size bounded, batch by batch.

A Parquet footer counts a value repeated in many rows once (dictionary or DELTA
encoding) while a DataFrame holds it in every row, so a file of a few hundred bytes
can claim half a megabyte and decode to gigabytes. :func:`read_parquet` checks the
footer first, then measures each row group's text as dictionaries (its size as if
expanded, without expanding it) and reads the row group in batches while the running
total stays within ``max_uncompressed_mb``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pandas as pd

from core.errors import InputError, LimitExceeded, ModLensError
from core.io.delimited import check_cells
from core.io.limits import MB, Deadline, ReadLimits

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

__all__ = ["read_parquet"]

PARQUET_BATCH_ROWS = 65_536
"""Most rows decoded at a time from a Parquet file; the size limits are checked between batches."""
PARQUET_BATCH_BYTES = 32 * MB
"""Most bytes one Parquet batch may unpack to where values are of a fixed but large size."""
PARQUET_MAX_SMALL_BATCHES = 10_000
"""Most batches for the text of a Parquet file that may unpack (DELTA encodings); more is refused as too slow."""
_FIXED_WIDTH = {"BOOLEAN": 1, "INT32": 4, "INT64": 8, "INT96": 12, "FLOAT": 4, "DOUBLE": 8}
"""Bytes a value of each fixed-width Parquet type takes once decoded (at most)."""
_DELTA_ENCODINGS = {"DELTA_BYTE_ARRAY", "DELTA_LENGTH_BYTE_ARRAY"}
"""Text encodings pyarrow cannot decode as dictionaries."""
_UNPACKING_ENCODINGS = {"DELTA_BYTE_ARRAY", "PLAIN_DICTIONARY", "RLE_DICTIONARY"}
"""Text encodings where one stored value can fill many rows."""


def read_parquet(data: bytes, limits: ReadLimits, deadline: Deadline) -> pd.DataFrame:
    """Read a Parquet file in batches, refusing it once its decoded size passes ``max_uncompressed_mb``.

    The footer's rows, columns and uncompressed size are checked first, but the footer
    counts a value repeated in many rows once (dictionary encoding) while the frame
    holds it in every row. So the text of each row group is first decoded as
    dictionaries, to count its size as if expanded without expanding it, and only then
    read in full, batch by batch, while the running total stays within the limit.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
        meta, schema = parquet.metadata, parquet.schema_arrow
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except Exception as exc:  # pyarrow raises many types for corrupt files
        raise InputError(_parquet_error(exc)) from exc
    limits.check_columns(meta.num_columns)
    limits.check_rows(meta.num_rows)
    limits.check_cells(meta.num_rows, meta.num_columns)
    limit = limits.max_uncompressed_mb * MB
    if unpacked > limit:
        raise LimitExceeded(
            f"The Parquet file holds {unpacked / MB:,.0f} MB of data once uncompressed; the limit is "
            f"{limits.max_uncompressed_mb} MB. Split it into smaller files."
        )
    plan = _parquet_plan(parquet, limits, deadline)
    batches: list[pa.RecordBatch] = []
    decoded = rows = 0
    try:
        for group, (size, text) in enumerate(plan):
            if text:
                measure = pq.ParquetFile(io.BytesIO(data), metadata=meta, read_dictionary=text)
                text_bytes = 0
                whole = max(meta.row_group(group).num_rows, 1)  # each batch copies the dictionary so far: one batch
                for piece in measure.reader.iter_batches(whole, [group], column_indices=text):
                    deadline.check()
                    text_bytes += _measure_text(piece, limits)
                    del piece
                    if decoded + text_bytes > limit:
                        raise _decoded_too_big(limits)
                del measure
                if text_bytes > PARQUET_BATCH_BYTES:
                    pa.default_memory_pool().release_unused()  # hand the dictionaries back before the full read
            for batch in parquet.iter_batches(batch_size=size, row_groups=[group]):
                deadline.check()
                decoded += _batch_bytes(batch, schema)
                if decoded > limit:
                    raise _decoded_too_big(limits)
                rows += batch.num_rows
                limits.check_rows(rows)
                _check_text_cells(batch, limits)
                batches.append(batch)
        frame = _binary_as_text(pa.Table.from_batches(batches, schema=schema)).to_pandas()
    except ModLensError:
        raise
    except Exception as exc:  # pyarrow raises many types for corrupt files
        raise InputError(_parquet_error(exc)) from exc
    check_cells(frame, limits)
    return frame


def _parquet_plan(parquet: pq.ParquetFile, limits: ReadLimits, deadline: Deadline) -> list[tuple[int, list[int]]]:
    """For each row group, the rows to decode at a time and the text columns (leaf indices) to measure first.

    Refuses first what the footer shows unpacks too far: values of a known width
    (numbers, fixed-size binary) are counted from it. Text is measured as dictionaries
    except where stored with a DELTA encoding, which pyarrow cannot decode so. There a
    value may still fill many rows (DELTA_BYTE_ARRAY copies the start of the value
    before; a dictionary may fall back to DELTA_LENGTH_BYTE_ARRAY), but it is no longer
    than its column chunk, so such row groups are read a few rows at a time. Where that
    would take too many batches, or a list of such text could fill one row, the file is
    refused.
    """
    meta, limit = parquet.metadata, limits.max_uncompressed_mb * MB
    columns = [parquet.schema.column(j) for j in range(meta.num_columns)]
    values = fixed = small_batches = 0
    plan: list[tuple[int, list[int]]] = []
    for group in range(meta.num_row_groups):
        deadline.check()
        row_group = meta.row_group(group)
        fixed_row = unpacking_row = 0
        unpacking: tuple[str, set[str]] = ("", set())
        text: list[int] = []
        for j, column in enumerate(columns):
            chunk = row_group.column(j)
            values += chunk.num_values
            nested = column.max_repetition_level > 0
            encodings = set(chunk.encodings)
            if column.physical_type in _FIXED_WIDTH or column.physical_type == "FIXED_LEN_BYTE_ARRAY":
                width = _FIXED_WIDTH.get(column.physical_type, column.length)
                fixed += chunk.num_values * width
                fixed_row += 0 if nested else width
            elif column.physical_type != "BYTE_ARRAY":
                continue
            elif not encodings & _DELTA_ENCODINGS:
                text.append(j)
            elif encodings & _UNPACKING_ENCODINGS:
                if nested and chunk.num_values * chunk.total_uncompressed_size > limit:
                    raise _unpacking_refused(column.path, encodings, limits)
                if not nested and chunk.total_uncompressed_size > unpacking_row:
                    unpacking_row, unpacking = chunk.total_uncompressed_size, (column.path, encodings)
        rows = max(1, min(PARQUET_BATCH_ROWS, PARQUET_BATCH_BYTES // max(fixed_row, 1), limit // max(unpacking_row, 1)))
        if unpacking_row:
            small_batches += -(-row_group.num_rows // rows)
            if small_batches > PARQUET_MAX_SMALL_BATCHES:
                raise _unpacking_refused(*unpacking, limits)
        plan.append((rows, text))
    if values > limits.max_cells:
        raise LimitExceeded(
            f"The file holds {values:,} values (each item of a list counts), more than {limits.max_cells:,} cells. "
            "Keep only the columns you need, or split the file."
        )
    if fixed > limit:
        raise _decoded_too_big(limits)
    return plan


def _batch_bytes(batch: pa.RecordBatch, schema: pa.Schema) -> int:
    """Bytes ``batch`` takes once expanded to ``schema``, with each dictionary kept as such (categories)."""
    import pyarrow as pa

    total = 0
    for kind, array in zip(schema.types, batch.columns, strict=True):
        total += _expanded_bytes(array)
        if pa.types.is_dictionary(kind) and pa.types.is_dictionary(array.type):
            total += array.dictionary.nbytes  # every batch keeps its own copy
    return total


def _expanded_bytes(array: pa.Array) -> int:
    """Bytes ``array`` holds once its dictionaries are expanded, counted without expanding them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = array.type
    if pa.types.is_dictionary(kind):
        dictionary, indices = array.dictionary, array.indices
        if _is_binary_like(kind.value_type):
            taken = pc.sum(pc.binary_length(dictionary).take(indices)).as_py()
        else:
            taken = dictionary.nbytes * len(indices) // max(len(dictionary), 1)
        return int(taken or 0) + 8 * len(array)
    if not _has_dictionary(kind):
        return array.nbytes
    if pa.types.is_struct(kind):
        return len(array) + sum(_expanded_bytes(child) for child in array.flatten())
    if pa.types.is_map(kind):
        return 8 * len(array) + _expanded_bytes(array.keys) + _expanded_bytes(array.items)
    if hasattr(array, "flatten"):  # lists: offsets, then the items
        return 8 * len(array) + _expanded_bytes(array.flatten())
    return 8 * len(array) + _expanded_bytes(array.values)


def _has_dictionary(kind: pa.DataType) -> bool:
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        return True
    return any(_has_dictionary(kind.field(i).type) for i in range(kind.num_fields))


def _is_text(kind: pa.DataType) -> bool:
    import pyarrow as pa

    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)


def _is_binary_like(kind: pa.DataType) -> bool:
    import pyarrow as pa

    binary = pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_binary_view(kind)
    return binary or _is_text(kind)


def _measure_text(batch: pa.RecordBatch, limits: ReadLimits) -> int:
    """Bytes of ``batch`` (text read as dictionaries) once expanded; raises for a cell over ``max_cell_chars``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for array in batch.columns:
        if not (pa.types.is_dictionary(array.type) and _is_text(array.type.value_type)):
            continue
        longest = pc.max(pc.binary_length(array.dictionary).take(array.indices)).as_py()
        if longest and longest > limits.max_cell_chars:  # in bytes: count the characters
            longest = pc.max(pc.utf8_length(array.dictionary).take(array.indices)).as_py()
            if longest > limits.max_cell_chars:
                raise limits.cell_too_long(int(longest))
    return sum(_expanded_bytes(array) for array in batch.columns)


def _check_text_cells(batch: pa.RecordBatch, limits: ReadLimits) -> None:
    """Raise for a text cell of ``batch`` longer than ``max_cell_chars``."""
    import pyarrow.compute as pc

    for array in batch.columns:
        if _is_text(array.type):
            longest = pc.max(pc.utf8_length(array)).as_py()
            if longest and longest > limits.max_cell_chars:
                raise limits.cell_too_long(int(longest))


def _binary_as_text(table: pa.Table) -> pa.Table:
    """``table`` with its binary columns decoded as UTF-8 text (an invalid byte becomes U+FFFD).

    Hive, Impala and older Spark write text as binary without marking it as UTF-8;
    left as bytes, a post would be scored as its Python form (``b'...'``) and a JSON
    Lines output could not hold it.
    """
    import pyarrow as pa

    for position, field in enumerate(table.schema):
        if pa.types.is_binary(field.type) or pa.types.is_large_binary(field.type):
            chunks = [  # batch by batch: never the whole column as Python strings at once
                pa.array(
                    [None if v is None else v.decode("utf-8", errors="replace") for v in chunk.to_pylist()],
                    pa.large_string(),
                )
                for chunk in table.column(position).chunks
            ]
            column = pa.chunked_array(chunks, pa.large_string())
            table = table.set_column(position, pa.field(field.name, pa.large_string()), column)
    return table


def _decoded_too_big(limits: ReadLimits) -> LimitExceeded:
    return LimitExceeded(
        f"The Parquet file holds more than {limits.max_uncompressed_mb} MB of data once decoded (a value repeated "
        f"in many rows is stored once but read in full); the limit is {limits.max_uncompressed_mb} MB. "
        "Split it into smaller files."
    )


def _unpacking_refused(column: str, encodings: set[str], limits: ReadLimits) -> LimitExceeded:
    used = " and ".join(sorted(encodings & (_DELTA_ENCODINGS | _UNPACKING_ENCODINGS)))
    return LimitExceeded(
        f"Column '{column}' is stored with {used} encoding in parts too large to check before decoding: it may "
        f"hold more than {limits.max_uncompressed_mb} MB of data once decoded; the limit is "
        f"{limits.max_uncompressed_mb} MB. Save the file again with pandas' to_parquet (or with smaller row "
        "groups), or upload it as CSV."
    )


def _parquet_error(exc: Exception) -> str:
    return (
        "The Parquet file could not be read (it may be damaged or not Parquet). "
        f"Re-export it or upload it as CSV. Detail: {_first_line(exc)}"
    )


def _first_line(value: object) -> str:
    lines = str(value).strip().splitlines()
    return lines[0][:200] if lines else type(value).__name__
