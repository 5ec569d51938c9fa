"""The input files of a cluster run: one file, every post file of a folder, or a glob pattern."""

from __future__ import annotations

import glob
from pathlib import Path

from core.errors import ModLensError
from core.io.posts import DELIMITED_SUFFIXES, JSONL_SUFFIXES, PARQUET_SUFFIXES

CLUSTER_SUFFIXES = frozenset(DELIMITED_SUFFIXES | JSONL_SUFFIXES | PARQUET_SUFFIXES)
"""File types the Ray engine reads: CSV, TSV, JSON Lines and Parquet (as the local engine reads them)."""
_SHOWN = "CSV, TSV, JSON Lines or Parquet"


def input_files(source: str | Path, *, exclude: str | Path | None = None) -> list[Path]:
    """The files to score, sorted by path (absolute, so every worker sees the same names), each once.

    Files inside ``exclude`` (the output folder) are left out, so a pattern such as
    ``archive/**/*.parquet`` never reads an earlier run's output parts as posts; a file
    reached twice (through a symbolic link) is scored once.

    A folder gives its post files (by suffix, not recursive, hidden files skipped);
    a pattern with ``*``, ``?`` or ``[`` is expanded like a shell glob (``**`` recurses).

    Raises
    ------
    ModLensError
        When nothing is found or a named file has a type the engine does not read.

    """
    text = str(source)
    path = Path(text)
    if path.is_dir():
        files = [p for p in path.iterdir() if p.is_file() and not p.name.startswith(".") and _readable(p)]
        if not files:
            raise ModLensError(f"Folder '{path}' has no {_SHOWN} files. Put the files to score in it.")
    elif path.is_file():
        files = [path]
    elif any(char in text for char in "*?["):
        files = [Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file()]
        if not files:
            raise ModLensError(f"No file matches '{text}'. Check the pattern (quote it so the shell keeps it).")
    else:
        raise ModLensError(f"'{text}' does not exist. Give a file, a folder or a glob pattern of post files.")
    for file in files:
        if not _readable(file):
            raise ModLensError(f"{file.name}: unsupported file type '{file.suffix}'. Use {_SHOWN} files.")
    chosen = sorted({file.resolve() for file in files})
    if exclude is not None and not Path(exclude).is_file():  # an existing file is refused as OUTDIR, by name, later
        outdir = Path(exclude).resolve()
        chosen = [file for file in chosen if not file.is_relative_to(outdir)]
        if not chosen:
            raise ModLensError(
                f"Every file of '{text}' is inside the output folder '{exclude}'. Give the input files, or another "
                "output folder."
            )
    return chosen


def _readable(path: Path) -> bool:
    return path.suffix.lower() in CLUSTER_SUFFIXES
