"""A full disk when the streamed output is finished is a one-line OutputError, and leaves nothing behind."""

from __future__ import annotations

import errno
from pathlib import Path

import pandas as pd
import pytest

from core.errors import OutputError
from core.io.atomic import AtomicFile
from core.io.streaming import ChunkWriter


class _FullDisk:
    """A text handle whose last flush (at close) finds the disk full."""

    def __init__(self, handle) -> None:
        self.handle = handle

    def write(self, text: str) -> int:
        return self.handle.write(text)

    def close(self) -> None:
        self.handle.close()
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("where", ["close", "commit"])
def test_a_full_disk_at_the_end_is_an_output_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    target = tmp_path / "out.csv"
    target.write_text("previous results\n")
    if where == "commit":

        def full(self: AtomicFile) -> Path:
            self.discard()
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(AtomicFile, "commit", full)
    writer = ChunkWriter(target)
    message = r"Cannot write '.*out\.csv': No space left on device\. Choose another"
    with pytest.raises(OutputError, match=message), writer:
        writer.write(pd.DataFrame({"text": ["a", "b"]}))
        if where == "close":
            writer._handle = _FullDisk(writer._handle)  # type: ignore[assignment]
    assert target.read_text() == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
