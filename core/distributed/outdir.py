"""The output folder of a cluster run: atomic Parquet parts keyed by input rows, checked, then a manifest.

Exactly once by construction: every scored block is written as one Parquet part
named by its input key (file number and first row), to a temporary file that is
renamed into place when complete. A block scored twice (an actor killed and its
task retried) writes the same name with the same rows, so it replaces itself
instead of adding a copy. Parts go to a hidden staging folder inside OUTDIR; the
run is committed only after :func:`verify` has found every input row of every
file in exactly one part (the reader records each file's row count), and the
manifest, written last, marks a complete run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from core.errors import ModLensError

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "modlens-score-run"
_STAGING_PREFIX = ".modlens-run-"
_PART = re.compile(r"^part-(\d{5})-(\d{12})\.parquet$")


@dataclass(frozen=True)
class FileCount:
    """Rows of one input file: as read, as written, and the parts that hold them."""

    path: str
    text_col: str
    rows_in: int
    rows_out: int
    parts: tuple[str, ...]
    notes: tuple[str, ...] = ()
    """The reader's notes on the file (an encoding fallback, removed NUL bytes, keys left out)."""


def prepare(outdir: Path) -> Path:
    """Check OUTDIR (missing, empty, or an earlier ModLens run) and return a new staging folder inside it."""
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise ModLensError(f"'{outdir}' is a file. With --engine ray, -o names a folder for the Parquet parts.")
    if not outdir.exists():
        if not outdir.parent.exists():
            raise ModLensError(f"Folder '{outdir.parent}' does not exist. Create it or choose another output folder.")
        outdir.mkdir()
    previous = _previous_files(outdir)
    foreign = [p.name for p in outdir.iterdir() if p.name not in previous and not p.name.startswith(_STAGING_PREFIX)]
    if foreign:
        raise ModLensError(
            f"Output folder '{outdir}' holds files ModLens did not write ({', '.join(sorted(foreign)[:3])}). "
            "Choose an empty folder or a new one."
        )
    staging = outdir / f"{_STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
    staging.mkdir()
    return staging


def part_name(file_index: int, first_row: int) -> str:
    """File name of the part holding rows from ``first_row`` of input file ``file_index``."""
    return f"part-{file_index:05d}-{first_row:012d}.parquet"


def write_part(staging: Path, frame: pd.DataFrame, file_index: int, first_row: int, meta: Mapping[str, Any]) -> str:
    """Write one scored block atomically (temporary file, then rename); return its name."""
    import pyarrow.parquet as pq

    from core.io.export import arrow_table  # a column mixing numbers and text is written as text, as locally

    name = part_name(file_index, first_row)
    table = arrow_table(frame)
    key = {"file_index": file_index, "first_row": first_row, "rows": len(frame)}
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), b"modlens": json.dumps({**meta, **key}).encode()}
    )
    temporary = staging / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, staging / name)
    finally:
        temporary.unlink(missing_ok=True)
    return name


def record_read(staging: Path, file_index: int, rows: int, text_col: str, notes: tuple[str, ...] = ()) -> None:
    """Record (atomically) how many rows the reader found in a file, and its notes, once it has read all of it."""
    _write_json(staging / f"read-{file_index:05d}.json", {"rows": rows, "text_col": text_col, "notes": list(notes)})


def verify(staging: Path, files: list[Path]) -> list[FileCount]:
    """Per input file, check its parts hold rows ``0 .. rows_in - 1`` each exactly once.

    Raises
    ------
    ModLensError
        When a file was not read to the end or a row is missing or written twice.

    """
    import pyarrow.parquet as pq

    parts: dict[int, list[tuple[int, int, str]]] = {i: [] for i in range(len(files))}
    for path in staging.iterdir():
        match = _PART.match(path.name)
        if match:
            rows = pq.ParquetFile(path).metadata.num_rows
            parts.setdefault(int(match.group(1)), []).append((int(match.group(2)), rows, path.name))
    counts = []
    for index, file in enumerate(files):
        record = staging / f"read-{index:05d}.json"
        if not record.exists():
            raise ModLensError(f"{file.name} was not read to the end; the run is incomplete. Run it again.")
        read = json.loads(record.read_text(encoding="utf-8"))
        expected = 0
        for first, rows, _ in sorted(parts[index]):
            if first != expected:
                problem = "missing" if first > expected else "written twice"
                raise ModLensError(f"{file.name}: rows from {min(first, expected)} {problem}. Run it again.")
            expected = first + rows
        if expected != read["rows"]:
            raise ModLensError(f"{file.name}: {read['rows']} rows read but {expected} written. Run it again.")
        names = tuple(name for _, _, name in sorted(parts[index]))
        notes = tuple(read.get("notes", ()))
        counts.append(FileCount(str(file), read["text_col"], read["rows"], expected, names, notes))
    return counts


def commit(staging: Path, manifest: dict[str, Any]) -> Path:
    """Replace an earlier run's files, move the parts into OUTDIR, write the manifest last; return its path."""
    outdir = staging.parent
    previous = _previous_files(outdir)
    (outdir / MANIFEST).unlink(missing_ok=True)  # from here until the new manifest, the folder reads as incomplete
    new = {path.name for path in staging.iterdir() if _PART.match(path.name)}
    for name in previous - new - {MANIFEST}:
        (outdir / name).unlink(missing_ok=True)
    for name in sorted(new):
        os.replace(staging / name, outdir / name)
    _write_json(outdir / MANIFEST, {"format": MANIFEST_FORMAT, **manifest})
    shutil.rmtree(staging, ignore_errors=True)
    return outdir / MANIFEST


def abort(staging: Path) -> None:
    """Remove a failed run's staging folder (ModLens made everything in it)."""
    shutil.rmtree(staging, ignore_errors=True)


def _previous_files(outdir: Path) -> set[str]:
    """Names an earlier ModLens run wrote in OUTDIR (its manifest and parts), or an empty set."""
    path = outdir / MANIFEST
    if not path.exists():
        return set()
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return set()
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        return set()
    parts = {str(part) for file in manifest.get("files", []) for part in file.get("parts", [])}
    return {MANIFEST} | {name for name in parts if _PART.match(name)}


def _write_json(path: Path, value: dict[str, Any]) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        temporary.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
