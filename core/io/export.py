"""Write scored tables safely: CSV formula escaping, format chosen by file suffix."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from core.errors import OutputError
from core.io.atomic import atomic_open, atomic_path
from core.io.targets import OUTPUT_SUFFIXES as OUTPUT_SUFFIXES  # re-exported: the suffixes write_table takes
from core.io.targets import check_output_file

if TYPE_CHECKING:
    import pyarrow as pa

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
JSONL_OPTIONS: dict[str, object] = {
    "orient": "records",
    "lines": True,
    "force_ascii": False,
    "date_format": "iso",  # dates and times as written (2020-01-01T00:00:00.000000), not epoch milliseconds
    "date_unit": "us",
}
"""How every JSON Lines output is written (``DataFrame.to_json`` options)."""
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def escape_cell(value: object) -> object:
    """Prefix ``'`` to text a spreadsheet would run as a formula (``= + - @``); plain numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _NUMBER.match(value):
        return "'" + value
    return value


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` with formula-like text cells and column names escaped (text and categorical columns)."""
    out = frame.copy()
    for position in range(out.shape[1]):
        values = out.iloc[:, position]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            out.isetitem(position, values.map(escape_cell))
    out.columns = [escape_cell(column) for column in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame, *, raw: bool = False) -> bytes:
    """UTF-8 CSV with formula cells escaped unless ``raw``."""
    table = frame if raw else escape_formulas(frame)
    return table.to_csv(index=False).encode("utf-8")


def to_parquet_bytes(frame: pd.DataFrame, *, metadata: Mapping[str, object] | None = None) -> bytes:
    """Parquet bytes; ``metadata`` (e.g. thresholds used) is stored in the file's key-value metadata."""
    import pyarrow.parquet as pq

    table = arrow_table(frame)
    if metadata:
        existing = table.schema.metadata or {}
        table = table.replace_schema_metadata({**existing, b"modlens": json.dumps(dict(metadata)).encode()})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """``frame`` as an Arrow table; a column Arrow cannot give one type (numbers and text mixed) becomes text.

    Such a column comes from JSON Lines (``{"id": 1}`` on one line, ``{"id": "x7"}`` on
    another): its values are written as text (lists and objects as JSON), missing ones
    stay missing, so the user gets their file instead of an error.
    """
    import pyarrow as pa

    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, OverflowError):
        pass
    fixed = frame.copy()
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        if values.dtype != object:
            continue
        try:
            pa.array(values, from_pandas=True)
        except (pa.ArrowException, OverflowError):
            fixed.isetitem(position, values.map(cell_as_text))
    return pa.Table.from_pandas(fixed, preserve_index=False)


def cell_as_text(value: object) -> str | None:
    """A cell as text for a text column: lists and objects as JSON, missing values as None."""
    if isinstance(value, str):
        return value
    if not pd.api.types.is_scalar(value):  # a list or an object
        return json.dumps(value, ensure_ascii=False, default=str)
    return None if pd.isna(value) else str(value)


def write_table(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    raw: bool = False,
    metadata: Mapping[str, object] | None = None,
    inputs: tuple[str | Path, ...] = (),
) -> Path:
    """Write ``frame`` to CSV (default), Parquet or JSON Lines according to the suffix of ``path``.

    The file appears at ``path`` only when complete (see :mod:`core.io.atomic`); ``path``
    is checked first (see :func:`~core.io.targets.check_output_file`), ``inputs`` included.
    """
    path = check_output_file(path, inputs=inputs)
    suffix = path.suffix.lower() or ".csv"
    try:
        if suffix == ".parquet":
            payload = to_parquet_bytes(frame, metadata=metadata)
            with atomic_open(path, "wb") as handle:
                handle.write(payload)
        elif suffix == ".jsonl":
            with atomic_path(path) as part:
                frame.to_json(part, **JSONL_OPTIONS)
        else:
            _write_csv(frame, path, raw=raw)
    except OSError as exc:
        raise OutputError(f"Cannot write '{path}': {exc.strerror}. Choose another output path.") from exc
    return path


CSV_CHUNK_ROWS = 100_000


def _write_csv(frame: pd.DataFrame, path: Path, *, raw: bool) -> None:
    """Write CSV in row chunks so escaping and formatting never copy a huge table at once."""
    with atomic_open(path, "w", encoding="utf-8", newline="") as handle:
        for start in range(0, max(len(frame), 1), CSV_CHUNK_ROWS):
            chunk = frame.iloc[start : start + CSV_CHUNK_ROWS]
            (chunk if raw else escape_formulas(chunk)).to_csv(handle, index=False, header=start == 0)
