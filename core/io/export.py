"""Write scored tables safely: CSV formula escaping, format chosen by file suffix."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from core.errors import ModLensError

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
OUTPUT_SUFFIXES = (".csv", ".parquet", ".jsonl")


def escape_cell(value: object) -> object:
    """Prefix ``'`` to text a spreadsheet would run as a formula (``= + - @``); plain numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _NUMBER.match(value):
        return "'" + value
    return value


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` with formula-like text cells escaped (text columns only)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(escape_cell)
    return out


def to_csv_bytes(frame: pd.DataFrame, *, raw: bool = False) -> bytes:
    """UTF-8 CSV with formula cells escaped unless ``raw``."""
    table = frame if raw else escape_formulas(frame)
    return table.to_csv(index=False).encode("utf-8")


def to_parquet_bytes(frame: pd.DataFrame, *, metadata: Mapping[str, object] | None = None) -> bytes:
    """Parquet bytes; ``metadata`` (e.g. thresholds used) is stored in the file's key-value metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    if metadata:
        existing = table.schema.metadata or {}
        table = table.replace_schema_metadata({**existing, b"modlens": json.dumps(dict(metadata)).encode()})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def write_table(
    frame: pd.DataFrame, path: str | Path, *, raw: bool = False, metadata: Mapping[str, object] | None = None
) -> Path:
    """Write ``frame`` to CSV (default), Parquet or JSON Lines according to the suffix of ``path``."""
    path = Path(path)
    suffix = path.suffix.lower() or ".csv"
    if suffix not in OUTPUT_SUFFIXES:
        raise ModLensError(f"Cannot write '{path.name}': use an output ending in {', '.join(OUTPUT_SUFFIXES)}.")
    if path.parent and not path.parent.exists():
        raise ModLensError(f"Folder '{path.parent}' does not exist. Create it or choose another output path.")
    try:
        if suffix == ".parquet":
            path.write_bytes(to_parquet_bytes(frame, metadata=metadata))
        elif suffix == ".jsonl":
            frame.to_json(path, orient="records", lines=True, force_ascii=False)
        else:
            _write_csv(frame, path, raw=raw)
    except OSError as exc:
        raise ModLensError(f"Cannot write '{path}': {exc.strerror}. Choose another output path.") from exc
    return path


CSV_CHUNK_ROWS = 100_000


def _write_csv(frame: pd.DataFrame, path: Path, *, raw: bool) -> None:
    """Write CSV in row chunks so escaping and formatting never copy a huge table at once."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        for start in range(0, max(len(frame), 1), CSV_CHUNK_ROWS):
            chunk = frame.iloc[start : start + CSV_CHUNK_ROWS]
            (chunk if raw else escape_formulas(chunk)).to_csv(handle, index=False, header=start == 0)
