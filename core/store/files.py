"""Write exports safely: formula-escaped CSV (cells and headers) or Parquet, via a temporary file and a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pandas as pd

from core.errors import ModLensError
from core.io.export import escape_cell, escape_formulas, to_parquet_bytes

EXPORT_SUFFIXES = (".csv", ".parquet")


def escaped_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` whose text cells and column names cannot run as spreadsheet formulas."""
    out = escape_formulas(frame)
    out.columns = [escape_cell(str(c)) for c in out.columns]
    return out


def write_frame_atomic(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as CSV or Parquet (by suffix) to a temporary file beside ``path``, then rename it over.

    A reader never sees half a file, and a failed write leaves an existing file untouched.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise ModLensError(f"Cannot write '{path.name}': use a file name ending in .csv or .parquet.")
    if not path.parent.is_dir():
        raise ModLensError(f"Folder '{path.parent}' does not exist. Create it or choose another output path.")
    if path.is_dir():
        raise ModLensError(f"'{path}' is a folder. Give a file name ending in .csv or .parquet.")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            if suffix == ".parquet":
                out.write(to_parquet_bytes(frame))
            else:
                out.write(escaped_csv_frame(frame).to_csv(index=False).encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise ModLensError(f"Cannot write '{path}': {exc.strerror}. Choose another output path.") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path
