"""The output folder of a cluster run: atomic Parquet parts keyed by input rows, checked, then a manifest.

Exactly once by construction: every scored block is written as one Parquet part
named by its input key (file number and first row), to a temporary file that is
renamed into place when complete. A block scored twice (an actor killed and its
task retried) writes the same name with the same rows, so it replaces itself
instead of adding a copy. Parts go to a hidden staging folder inside OUTDIR; the
run is committed only after :func:`verify` has found every input row of every
file in exactly one part (the reader records each file's row count), and the
manifest, written last, marks a complete run.

A run killed part-way never locks OUTDIR: while a commit replaces files, a journal
(``.modlens-commit.json``) names every part of the old and the new run, so the next
run still knows them as ModLens's own; and the next run removes the staging folders
of runs that died on this machine (each records its host and process).

One run at a time: a run holds an exclusive lock (``flock``) on ``.modlens-lock`` in
OUTDIR from :func:`prepare` until :func:`commit` or :func:`abort`, so a second run into
the same folder is refused instead of interleaving its commit with the first. The lock
file is removed when the run ends; a killed run's is ModLens's own (never a foreign
file), and its lock ended with the process, so it never blocks the next run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from core.errors import ModLensError

try:
    import fcntl
except ImportError:  # not a POSIX system: no lock
    fcntl = None  # type: ignore[assignment]

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "modlens-score-run"
_STAGING_PREFIX = ".modlens-run-"
_PART = re.compile(r"^part-(\d{5})-(\d{12})\.parquet$")
_JOURNAL = ".modlens-commit.json"
_OWNER = "owner.json"
LOCK = ".modlens-lock"
"""The lock file of the run writing to OUTDIR (see :func:`prepare`)."""
_HELD: dict[Path, tuple[Path, int]] = {}
"""Open lock files of this process's runs, by staging folder."""
_TEMPORARY = re.compile(r"^\.(manifest\.json|\.modlens-commit\.json)\.[0-9a-f]{8}\.tmp$")
"""A half-written manifest or journal of a killed run (see :func:`_write_json`)."""


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
    """Check OUTDIR (missing, empty, or an earlier ModLens run) and return a new staging folder inside it.

    The run holds OUTDIR's lock until :func:`commit` or :func:`abort`.

    Raises
    ------
    ModLensError
        When OUTDIR is a file, holds other files, cannot be created or written, or another run is writing to it.

    """
    outdir = Path(outdir)
    lock = None
    try:
        if outdir.exists() and not outdir.is_dir():
            raise ModLensError(f"'{outdir}' is a file. With --engine ray, -o names a folder for the Parquet parts.")
        if not outdir.exists():
            if not outdir.parent.is_dir():
                raise ModLensError(
                    f"Folder '{outdir.parent}' does not exist. Create it or choose another output folder."
                )
            outdir.mkdir(exist_ok=True)  # a run starting at the same time may have made it: the lock decides
        lock = _lock(outdir)
        _remove_dead_staging(outdir)
        previous = _previous_files(outdir)
        foreign = [
            p.name
            for p in outdir.iterdir()
            if p.name not in previous
            and p.name != LOCK
            and not p.name.startswith(_STAGING_PREFIX)
            and not _TEMPORARY.match(p.name)
        ]
        if foreign:
            raise ModLensError(
                f"Output folder '{outdir}' holds files ModLens did not write ({', '.join(sorted(foreign)[:3])}). "
                "Choose an empty folder or a new one."
            )
        staging = outdir / f"{_STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        staging.mkdir()
        _write_json(staging / _OWNER, {"host": socket.gethostname(), "pid": os.getpid()})
    except OSError as exc:
        _unlock(lock)
        raise _cannot_write(outdir, exc) from None
    except BaseException:
        _unlock(lock)
        raise
    if lock is not None:
        _HELD[staging] = lock
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
    except OSError as exc:  # a full disk, a read-only or vanished folder: the user's to fix, in one line
        raise _cannot_write(staging.parent, exc) from None
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
    try:
        return _commit(staging, manifest)
    finally:
        _unlock(_HELD.pop(staging, None))


def _commit(staging: Path, manifest: dict[str, Any]) -> Path:
    outdir = staging.parent
    previous = _previous_files(outdir)
    new = {path.name for path in staging.iterdir() if _PART.match(path.name)}
    _write_json(outdir / _JOURNAL, {"format": MANIFEST_FORMAT, "parts": sorted((previous | new) - {MANIFEST})})
    (outdir / MANIFEST).unlink(missing_ok=True)  # from here until the new manifest, the folder reads as incomplete
    for name in previous - new - {MANIFEST, _JOURNAL}:
        (outdir / name).unlink(missing_ok=True)
    for path in outdir.iterdir():  # a killed run's half-written manifest or journal
        if _TEMPORARY.match(path.name):
            path.unlink(missing_ok=True)
    for name in sorted(new):
        os.replace(staging / name, outdir / name)
    _write_json(outdir / MANIFEST, {"format": MANIFEST_FORMAT, **manifest})
    (outdir / _JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
    return outdir / MANIFEST


def abort(staging: Path) -> None:
    """Remove a failed run's staging folder (ModLens made everything in it) and release OUTDIR."""
    try:
        shutil.rmtree(staging, ignore_errors=True)
    finally:
        _unlock(_HELD.pop(staging, None))


def _lock(outdir: Path) -> tuple[Path, int] | None:
    """Take OUTDIR's run lock without waiting: the lock file and its descriptor (None where there is no ``flock``).

    Raises
    ------
    ModLensError
        When another run holds it.

    """
    if fcntl is None:
        return None
    path = outdir / LOCK
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            current = os.stat(path, follow_symlinks=False)
        except BlockingIOError:
            os.close(descriptor)
            raise ModLensError(
                f"Another ModLens run is writing to the output folder '{outdir}'. "
                "Wait for it to finish, or choose another folder."
            ) from None
        except FileNotFoundError:  # the run that held it removed it as it finished: take a new one
            os.close(descriptor)
            continue
        except BaseException:
            os.close(descriptor)
            raise
        if os.path.samestat(os.fstat(descriptor), current):
            return path, descriptor
        os.close(descriptor)  # locked a file that run had just removed: take the new one


def _unlock(held: tuple[Path, int] | None) -> None:
    """Remove the lock file (while still holding it, so no one else holds the removed file) and release it."""
    if held is None:
        return
    path, descriptor = held
    try:
        path.unlink(missing_ok=True)
    except OSError:  # left in place, it blocks no one: a lock ends with its holder
        pass
    finally:
        os.close(descriptor)


def _cannot_write(outdir: Path, exc: OSError) -> ModLensError:
    reason = exc.strerror or type(exc).__name__
    return ModLensError(
        f"Cannot write the output folder '{outdir}' ({reason}). Free some space, or choose a writable folder."
    )


def _previous_files(outdir: Path) -> set[str]:
    """Names an earlier ModLens run wrote in OUTDIR (its manifest, parts and commit journal), or an empty set."""
    names: set[str] = set()
    manifest = _read_ours(outdir / MANIFEST)
    if manifest is not None:
        files = [file for file in _listed(manifest, "files") if isinstance(file, dict)]
        names |= {MANIFEST} | {str(part) for file in files for part in _listed(file, "parts")}
    journal = _read_ours(outdir / _JOURNAL)
    if journal is not None:  # a commit that did not finish: its old and new parts are ModLens's too
        names |= {_JOURNAL} | {str(part) for part in _listed(journal, "parts")}
    return {name for name in names if name in (MANIFEST, _JOURNAL) or _PART.match(name)}


def _listed(value: dict[str, Any], key: str) -> list[Any]:
    items = value.get(key, [])
    return items if isinstance(items, list) else []


def _read_ours(path: Path) -> dict[str, Any] | None:
    """The JSON object at ``path`` if ModLens wrote it (its format mark), else None."""
    if not path.is_file():
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) and value.get("format") == MANIFEST_FORMAT else None


def _remove_dead_staging(outdir: Path) -> None:
    """Remove the staging folders of runs whose process is gone (on this machine; others' are left alone)."""
    host = socket.gethostname()
    for folder in outdir.iterdir():
        if not (folder.name.startswith(_STAGING_PREFIX) and folder.is_dir() and not folder.is_symlink()):
            continue
        try:
            owner = json.loads((folder / _OWNER).read_text(encoding="utf-8"))
            pid = int(owner["pid"])
        except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError):
            continue  # not a staging folder this version made, or being created: left alone
        if owner.get("host") == host and pid > 0 and not _alive(pid):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _write_json(path: Path, value: dict[str, Any]) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        temporary.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
