"""Outputs appear at their path only when complete: an error or a kill -9 mid-way leaves no file there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from core.errors import ModLensError
from core.io import export
from core.io.export import write_table
from core.io.streaming import ChunkWriter

ROOT = Path(__file__).resolve().parents[3]


def _frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"id": range(rows), "text": [f"=post {i}" for i in range(rows)]})


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_chunk_writer_error_mid_stream_leaves_no_output_and_no_temp(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"scored{suffix}"
    with pytest.raises(ModLensError, match="Line 60002"), ChunkWriter(target) as writer:
        writer.write(_frame(50_000))
        raise ModLensError("Line 60002 has 3 fields but the header has 2.")
    assert not target.exists()
    assert _leftovers(tmp_path, set()) == []


def test_chunk_writer_keeps_a_previous_output_until_the_new_one_is_complete(tmp_path: Path) -> None:
    target = tmp_path / "scored.csv"
    target.write_text("id,text\nold,row\n")
    with pytest.raises(RuntimeError), ChunkWriter(target) as writer:
        writer.write(_frame(10))
        raise RuntimeError("killed by a bug")
    assert target.read_text() == "id,text\nold,row\n"
    with ChunkWriter(target) as writer:
        writer.write(_frame(10))
    assert len(pd.read_csv(target)) == 10
    assert _leftovers(tmp_path, {"scored.csv"}) == []


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_chunk_writer_killed_with_sigkill_leaves_no_output(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"scored{suffix}"
    script = textwrap.dedent(
        f"""
        import sys, time
        import pandas as pd
        from core.io.streaming import ChunkWriter
        writer = ChunkWriter({str(target)!r})
        writer.write(pd.DataFrame({{"id": range(1000), "text": ["post"] * 1000}}))
        print("written", flush=True)
        time.sleep(60)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "written"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    assert not target.exists()


def test_write_table_failure_leaves_no_output_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real = export.escape_formulas

    def failing(frame: pd.DataFrame) -> pd.DataFrame:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real(frame)

    monkeypatch.setattr(export, "CSV_CHUNK_ROWS", 100)
    monkeypatch.setattr(export, "escape_formulas", failing)
    target = tmp_path / "explained.csv"
    with pytest.raises(ModLensError, match="No space left on device"):
        write_table(_frame(250), target)
    assert not target.exists()
    assert _leftovers(tmp_path, set()) == []


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_write_table_replaces_a_file_in_one_step(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"out{suffix}"
    target.write_text("old")
    write_table(_frame(5), target)
    assert _leftovers(tmp_path, {target.name}) == []
    assert target.stat().st_mode & 0o777 != 0o600  # a normal file, not a private temporary one
