"""Get the bytes of an input: only regular files, never blocking, never more than the size limit.

A path is opened with ``O_NONBLOCK`` (so a FIFO cannot hang the open) and checked
with ``fstat`` on the open descriptor (so the file checked is the file read): folders,
FIFOs, devices such as ``/dev/zero`` and sockets are refused before one byte is
read, and a file larger than the limit is refused from its size alone.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import IO, BinaryIO

from core.errors import InputError
from core.io.limits import DEFAULT_LIMITS, ReadLimits

__all__ = ["open_regular", "read_source"]


def open_regular(path: str | Path) -> BinaryIO:
    """Open ``path`` for reading in binary mode, refusing anything but a regular file."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as exc:
        raise InputError(f"File '{path}' does not exist. Check the path.") from exc
    except IsADirectoryError as exc:
        raise InputError(f"'{path}' is a folder. Give the path of a file of posts.") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(f"'{path}' is a symbolic link loop. Give the path of a file of posts.") from exc
        raise InputError(f"Cannot read '{path}': {exc.strerror}. Check the file's permissions.") from exc
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"'{path}' is a folder. Give the path of a file of posts.")
        if not stat.S_ISREG(mode):
            raise InputError(
                f"'{path}' is not a regular file (a device, pipe or socket). Give the path of a file of posts."
            )
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_source(
    source: str | Path | bytes | IO[bytes], filename: str | None = None, limits: ReadLimits = DEFAULT_LIMITS
) -> tuple[bytes, str]:
    """The bytes and file name of a path, bytes or file object (a Streamlit upload), within ``max_file_mb``."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        limits.check_size(len(data))
        return data, filename or ""
    if isinstance(source, str | Path):
        path = Path(source)
        with open_regular(path) as handle:
            limits.check_size(os.fstat(handle.fileno()).st_size, f"'{path.name}'")
            try:
                data = handle.read(limits.max_file_bytes + 1)
            except OSError as exc:
                raise InputError(f"Cannot read '{path}': {exc.strerror}. Check the file.") from exc
        limits.check_size(len(data), f"'{path.name}'")  # it grew while being read
        return data, filename or path.name
    size = getattr(source, "size", None)  # Streamlit's UploadedFile knows its size
    if isinstance(size, int):
        limits.check_size(size)
    getvalue = getattr(source, "getvalue", None)
    data = getvalue() if callable(getvalue) else source.read(limits.max_file_bytes + 1)
    limits.check_size(len(data))
    return bytes(data), filename or str(getattr(source, "name", ""))
