"""Write exports safely: formula-escaped CSV (cells and headers) or Parquet, via a temporary file and a rename."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from core.errors import ModLensError
from core.io.atomic import atomic_write_bytes
from core.io.export import escape_cell, escape_formulas, to_parquet_bytes
from core.io.targets import check_output_file

EXPORT_SUFFIXES = (".csv", ".parquet")


def escaped_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` whose text cells and column names cannot run as spreadsheet formulas."""
    out = escape_formulas(frame)
    out.columns = [escape_cell(str(c)) for c in out.columns]
    return out


def write_frame_atomic(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as CSV or Parquet (by suffix) to a temporary file beside ``path``, then rename it over.

    The path is checked as ``score -o`` checks it (no folder, device, pipe, system
    folder); a reader never sees half a file, a failed write leaves an existing file
    untouched, and a replaced file keeps its permissions.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise ModLensError(f"Cannot write '{path.name}': use a file name ending in .csv or .parquet.")
    check_output_file(path, suffixes=EXPORT_SUFFIXES)
    if suffix == ".parquet":
        data = to_parquet_bytes(frame)
    else:
        data = escaped_csv_frame(frame).to_csv(index=False).encode("utf-8")
    try:
        return atomic_write_bytes(path, data)
    except OSError as exc:
        raise ModLensError(f"Cannot write '{path}': {exc.strerror}. Choose another output path.") from exc
