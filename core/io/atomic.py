"""Write files so they appear at their path only when complete.

Every output ModLens writes (scored tables, explanations, exports, metadata) goes to
a hidden temporary file beside the target, ``.NAME.part-XXXX``, which is renamed over
the target only once it is fully written and synced. An error removes the temporary
file and leaves any previous file at the target untouched; a ``kill -9`` can leave
the hidden temporary file behind but never a truncated file at the target.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

__all__ = ["AtomicFile", "atomic_open", "atomic_path", "atomic_write_bytes", "atomic_write_text"]

PART_MARK = ".part-"
"""Marks the temporary files, so a leftover of a killed run is recognisable."""


def _umask_mode() -> int:
    """Permissions a plain ``open(path, "w")`` would give a new file (0o666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


class AtomicFile:
    """A temporary file beside ``target`` that :meth:`commit` renames over it, or :meth:`discard` removes.

    Parameters
    ----------
    target
        The final path. Its folder must exist.

    """

    def __init__(self, target: str | Path) -> None:
        self.target = Path(target)
        handle, name = tempfile.mkstemp(prefix=f".{_short(self.target.name)}{PART_MARK}", dir=self.target.parent or ".")
        os.close(handle)
        self.path = Path(name)
        self.done = False

    def commit(self) -> Path:
        """Sync the temporary file and rename it over the target; returns the target."""
        if self.done:
            return self.target
        try:
            os.chmod(self.path, _keep_mode(self.target))
            with open(self.path, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(self.path, self.target)
        except BaseException:
            self.discard()
            raise
        self.done = True
        return self.target

    def discard(self) -> None:
        """Remove the temporary file (the target is left as it was)."""
        self.done = True
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


def _short(name: str, limit: int = 200) -> str:
    """``name`` cut to ``limit`` bytes, so the temporary name stays within the 255 bytes a file name may have."""
    encoded = name.encode("utf-8", "surrogateescape")
    return name if len(encoded) <= limit else encoded[:limit].decode("utf-8", "ignore")


def _keep_mode(target: Path) -> int:
    """Permissions of the file being replaced, or those of a new file."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return _umask_mode()


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; renamed over it when the block ends without error."""
    part = AtomicFile(target)
    try:
        yield part.path
    except BaseException:
        part.discard()
        raise
    part.commit()


@contextlib.contextmanager
def atomic_open(target: str | Path, mode: str = "w", **kwargs: object) -> Iterator[IO]:
    """``open`` for writing whose file appears at ``target`` only when the block completes."""
    with atomic_path(target) as path, open(path, mode, **kwargs) as handle:  # type: ignore[call-overload]
        yield handle


def atomic_write_text(target: str | Path, text: str) -> Path:
    """Write UTF-8 text to ``target`` in one step."""
    with atomic_open(target, "w", encoding="utf-8") as handle:
        handle.write(text)
    return Path(target)


def atomic_write_bytes(target: str | Path, data: bytes) -> Path:
    """Write bytes to ``target`` in one step."""
    with atomic_open(target, "wb") as handle:
        handle.write(data)
    return Path(target)
