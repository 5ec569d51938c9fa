"""An output whose name is near the 255-byte limit is still written (its temporary name is shortened)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.io.atomic import atomic_write_text
from core.io.export import write_table
from core.io.streaming import ChunkWriter


@pytest.mark.parametrize("stem", ["x" * 245, "é" * 124])  # 249 and 252 bytes with ".csv"
def test_outputs_with_long_names_are_written(tmp_path: Path, stem: str) -> None:
    target = tmp_path / f"{stem}.csv"
    frame = pd.DataFrame({"text": ["a", "b"]})
    write_table(frame, target)
    assert len(pd.read_csv(target)) == 2
    with ChunkWriter(target) as writer:
        writer.write(frame)
    atomic_write_text(tmp_path / f"{stem}.txt", "done")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{stem}.csv", f"{stem}.txt"])
