"""Where ModLens may write: output files and folders checked before any work starts.

ModLens never replaces what it did not create. An output file is refused when it is
the input (after following links, or a hard link to it), a folder, a device or pipe,
or inside a system folder; an output folder (a model directory, the registry) is
refused when it is a system root, the home folder or a folder holding the current
one. The checks run before a model loads or a training starts, so a mistake costs
no waiting.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from core.errors import OutputError

__all__ = ["OUTPUT_SUFFIXES", "check_output_file", "refuse_dangerous_folder", "same_file"]

OUTPUT_SUFFIXES = (".csv", ".parquet", ".jsonl")

PROTECTED_TREES = tuple(
    Path(p)
    for p in ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/sbin", "/sys", "/usr")
)
"""Folders whose whole tree belongs to the system: nothing is written anywhere inside them."""

PROTECTED_ROOTS = tuple(
    Path(p) for p in ("/", "/home", "/media", "/mnt", "/opt", "/root", "/run", "/srv", "/tmp", "/var")
)
"""Folders that are never themselves an output folder (writing inside them is fine)."""


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when ``a`` and ``b`` are one file: the same path after links, or hard links to one inode."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:  # a link loop
        raise OutputError(f"'{path}' cannot be resolved (a symbolic link loop?). Choose another path.") from exc


def refuse_dangerous_folder(folder: str | Path, *, what: str = "output folder") -> Path:
    """Return ``folder`` resolved, or raise when ModLens must never replace or fill it.

    Refused: system trees (``/usr``, ``/etc``, ...), system roots (``/``, ``/home``,
    ``/tmp``, ...), the home folder and any folder holding it, the current folder or one
    holding it, and the ModLens installation itself or a folder holding it.
    """
    resolved = _resolved(Path(folder))
    guarded = {Path.home().resolve(): "your home folder", Path.cwd().resolve(): "the current folder"}
    guarded[Path(__file__).resolve().parents[2]] = "the ModLens installation"
    reason = None
    if any(_inside(resolved, tree) for tree in PROTECTED_TREES):
        reason = "a system folder"
    elif resolved in PROTECTED_ROOTS:
        reason = "a system root folder"
    else:
        reason = next((name for place, name in guarded.items() if _inside(place, resolved)), None)
        if reason is not None:
            reason = reason if resolved in guarded else f"a folder holding {reason}"
    if reason:
        raise OutputError(
            f"Refusing to use '{folder}' ({resolved}) as the {what}: it is {reason}. Choose a new folder."
        )
    return resolved


def check_output_file(
    path: str | Path, *, inputs: Iterable[str | Path] = (), suffixes: tuple[str, ...] = OUTPUT_SUFFIXES
) -> Path:
    """Check that ``path`` can be written as an output file, before any work; returns it.

    Raises :class:`~core.errors.OutputError` when the suffix is not one of ``suffixes``,
    the folder is missing or not writable, the path is a folder, a device or a pipe,
    it lies in a system folder, or it is one of ``inputs`` (also through links).
    """
    path = Path(path)
    suffix = path.suffix.lower() or ".csv"
    if suffix not in suffixes:
        raise OutputError(f"Cannot write '{path.name}': use an output ending in {', '.join(suffixes)}.")
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(f"Folder '{parent}' does not exist. Create it or choose another output path.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"Folder '{parent}' is not writable. Choose another output path.")
    resolved_parent = _resolved(parent)
    if any(_inside(resolved_parent, tree) for tree in PROTECTED_TREES):
        raise OutputError(f"Refusing to write '{path}': it is in a system folder. Choose another output path.")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"Cannot write '{path}': {exc.strerror}. Choose another output path.") from exc
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"'{path}' is a folder. Give the path of an output file, e.g. {path / 'scored.csv'}.")
    if mode is not None and not stat.S_ISREG(mode):
        raise OutputError(f"'{path}' is not a regular file (a device or pipe). Choose another output path.")
    for source in inputs:
        if mode is not None and same_file(path, source):
            raise OutputError(
                f"The output '{path}' is the input file '{source}'; writing it would destroy the input. "
                "Choose another output path with -o."
            )
    return path
