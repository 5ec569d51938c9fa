"""One run at a time per output folder: a second run into the same OUTDIR is refused, a finished one never blocks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from core.distributed import outdir
from core.errors import ModLensError

pytest.importorskip("fcntl")


def _finish(staging: Path, source: Path) -> None:
    outdir.write_part(staging, pd.DataFrame({"id": [1, 2], "score_toxic": 0.5}), 0, 0, {"model": "m"})
    outdir.record_read(staging, 0, 2, "text")
    counts = outdir.verify(staging, [source])
    outdir.commit(staging, {"files": [{"path": c.path, "parts": list(c.parts)} for c in counts]})


def test_a_second_run_into_the_same_folder_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    first = outdir.prepare(folder)
    with pytest.raises(ModLensError, match="Another ModLens run is writing to the output folder") as refused:
        outdir.prepare(folder)
    assert "\n" not in str(refused.value)
    assert [p for p in folder.iterdir() if p.name.startswith(".modlens-run-")] == [first]  # no second staging
    _finish(first, tmp_path / "a.csv")
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["manifest.json", outdir.part_name(0, 0)]  # the lock file is gone with the run
    _finish(outdir.prepare(folder), tmp_path / "a.csv")  # the next run replaces it


def test_an_aborted_run_releases_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    outdir.abort(outdir.prepare(folder))
    assert list(folder.iterdir()) == []
    outdir.abort(outdir.prepare(folder))


def test_a_run_in_another_process_blocks_and_its_leftover_lock_file_does_not(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    hold = (
        "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
        "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); sys.stdin.read()"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(folder / outdir.LOCK)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(ModLensError, match="Another ModLens run"):
            outdir.prepare(folder)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert (folder / outdir.LOCK).exists()  # a killed run's lock file: ModLens's own, not a foreign file
    _finish(outdir.prepare(folder), tmp_path / "a.csv")
    assert not (folder / outdir.LOCK).exists()


def test_the_cli_refuses_a_second_ray_run_with_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("ray")
    from core.cli import main
    from core.distributed import ray_engine

    source = tmp_path / "posts.csv"
    source.write_text("id,text\n1,hello\n", encoding="utf-8")

    def no_cluster(address: object) -> bool:
        raise AssertionError("Ray was started")

    monkeypatch.setattr(ray_engine, "_connect", no_cluster)
    folder = tmp_path / "out"
    running = outdir.prepare(folder)
    try:
        code = main(["score", str(source), "--engine", "ray", "-o", str(folder)])
    finally:
        outdir.abort(running)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "Another ModLens run is writing" in err[0], err
