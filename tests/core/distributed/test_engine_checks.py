"""The Ray engine's checks and block cutting, without a Ray cluster (fakes stand in for Ray and the model)."""

from __future__ import annotations

import errno
import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ray")

from core.distributed import outdir
from core.distributed import ray_engine as engine
from core.errors import ModLensError


class _FakeModel:
    def __init__(self) -> None:
        self.labels_, self.thresholds_ = ["toxic"], {"toxic": 0.5}

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return np.full((len(texts), 1), 0.25, dtype=np.float32)


def _keyed(file_index: int, first: int, rows: int) -> pd.DataFrame:
    frame = pd.DataFrame({"text": [f"post {file_index}/{r}" for r in range(first, first + rows)]})
    frame[engine.FILE_KEY] = file_index
    frame[engine.ROW_KEY] = range(first, first + rows)
    return frame


def test_a_merged_batch_is_cut_into_parts_on_the_row_grid() -> None:
    # Ray's read stage merges the reader's blocks (here 150 rows of file 0, then 70 of file 1) into one batch
    batch = pd.concat([_keyed(0, 0, 150), _keyed(1, 0, 70)], ignore_index=True)
    cuts = [(index, first, len(block)) for index, first, block in engine.part_blocks(batch, 50)]
    assert cuts == [(0, 0, 50), (0, 50, 50), (0, 100, 50), (1, 0, 50), (1, 50, 20)]
    # a block Ray split at row 35: the same grid, so the parts do not depend on where Ray cut
    split = [(i, f, len(b)) for i, f, b in engine.part_blocks(_keyed(0, 35, 50), 50)]
    assert split == [(0, 35, 15), (0, 50, 35)]


def test_the_scoring_actor_writes_parts_of_at_most_chunk_rows(tmp_path: Path) -> None:
    staging = outdir.prepare(tmp_path / "out")
    actor = engine.ScoreBlocks.__new__(engine.ScoreBlocks)  # no TensorFlow model: a fake scorer
    actor.model, actor.staging, actor.text_col, actor.chunk_rows = _FakeModel(), staging, None, 50
    actor.meta = {"model": "fake"}
    batch = pd.concat([_keyed(0, 0, 120), _keyed(1, 0, 30)], ignore_index=True)
    written = actor(batch)
    assert written[["file_index", "first_row", "rows"]].values.tolist() == [
        [0, 0, 50],
        [0, 50, 50],
        [0, 100, 20],
        [1, 0, 30],
    ]
    outdir.record_read(staging, 0, 120, "text")
    outdir.record_read(staging, 1, 30, "text")
    counts = outdir.verify(staging, [tmp_path / "a.csv", tmp_path / "b.csv"])
    assert [(c.rows_out, len(c.parts)) for c in counts] == [(120, 3), (30, 1)]
    part = pd.read_parquet(staging / outdir.part_name(0, 50))
    assert part["text"].tolist() == [f"post 0/{r}" for r in range(50, 100)]
    assert list(part.columns) == ["text", "score_toxic", "flag_toxic"]


def test_reader_blocks_stay_inside_one_grid_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import core.io.streaming as streaming

    source = tmp_path / "posts.csv"
    pd.DataFrame({"id": range(120), "text": [f"post {i}" for i in range(120)]}).to_csv(source, index=False)
    local = streaming.iter_posts
    monkeypatch.setattr(streaming, "iter_posts", lambda path, **kw: local(path, chunk_rows=30, **kw))
    staging = outdir.prepare(tmp_path / "out")
    blocks = list(engine.block_reader(source, 0, None, 50, str(staging))())
    firsts = [int(b[engine.ROW_KEY].iloc[0]) for b in blocks]
    lasts = [int(b[engine.ROW_KEY].iloc[-1]) for b in blocks]
    assert all(first // 50 == last // 50 for first, last in zip(firsts, lasts, strict=True))
    assert sum(len(b) for b in blocks) == 120 and firsts[0] == 0 and lasts[-1] == 119
    assert json.loads((staging / "read-00000.json").read_text())["rows"] == 120


@pytest.fixture
def no_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An input file, a model's metadata and a 'started' local Ray cluster of 2 CPUs, all faked."""
    import core.model.artifact as artifact

    source = tmp_path / "posts.csv"
    source.write_text("id,text\n1,hello\n", encoding="utf-8")
    monkeypatch.setattr(artifact, "read_metadata", lambda path: {"name": "fake", "labels": ["toxic"]})
    monkeypatch.setattr(engine, "_connect", lambda address: True)
    monkeypatch.setattr(engine, "_node_cpus", lambda: [2.0], raising=False)
    monkeypatch.setattr(engine.ray, "cluster_resources", lambda: {"CPU": 2.0})
    monkeypatch.setattr(engine.ray, "shutdown", lambda: None)

    def no_pipeline(*args: object, **kwargs: object) -> None:
        raise AssertionError("the pipeline was started")

    monkeypatch.setattr(engine.ray.data, "read_datasource", no_pipeline)
    return source


@pytest.mark.parametrize("cpus", [math.nan, math.inf, -1.0, 0.0])
def test_a_cpus_per_actor_that_is_not_a_positive_number_is_refused(no_cluster: Path, cpus: float) -> None:
    out = no_cluster.parent / "out"
    with pytest.raises(ModLensError, match="--cpus-per-actor"):
        engine.run(engine.RayJob(str(no_cluster), out, no_cluster.parent, cpus_per_actor=cpus))
    assert not out.exists()


def test_actors_bigger_than_every_node_are_refused_instead_of_waiting_forever(no_cluster: Path) -> None:
    out = no_cluster.parent / "out"
    with pytest.raises(ModLensError, match="no node of the cluster has that many CPUs"):
        engine.run(engine.RayJob(str(no_cluster), out, no_cluster.parent, cpus_per_actor=4))
    assert list(out.iterdir()) == []  # the staging folder is removed
    engine.check_cpus_per_actor(2.0, [1.0, 2.0])  # fits the largest node
    engine.check_cpus_per_actor(0.5, [1.0])


def test_an_output_folder_that_cannot_be_created_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(ModLensError, match=r"Cannot write the output folder .*Permission denied"):
        outdir.prepare(tmp_path / "out")


def test_a_full_disk_while_writing_a_part_is_a_one_line_error_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    staging = outdir.prepare(tmp_path / "out")

    def full(table: object, where: object, **kwargs: object) -> None:
        Path(str(where)).write_bytes(b"PAR1 half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq, "write_table", full)
    with pytest.raises(ModLensError, match="No space left on device"):
        outdir.write_part(staging, pd.DataFrame({"text": ["hi"]}), 0, 0, {})
    assert [p.name for p in staging.iterdir()] == ["owner.json"]  # no part, no temporary file


def test_an_input_file_given_as_the_output_folder_is_refused_as_a_file(tmp_path: Path) -> None:
    from core.distributed.files import input_files

    source = tmp_path / "posts.csv"
    source.write_text("text\nhello\n", encoding="utf-8")
    assert input_files(source, exclude=source) == [source.resolve()]
    with pytest.raises(ModLensError, match=r"is a file\. With --engine ray, -o names a folder"):
        outdir.prepare(source)
    assert source.read_text(encoding="utf-8") == "text\nhello\n"


def _staged_run(folder: Path, rows: int) -> tuple[Path, dict]:
    """A run's staging folder with parts of 2 rows, verified, and its manifest (not committed)."""
    staging = outdir.prepare(folder)
    for first in range(0, rows, 2):
        frame = pd.DataFrame({"text": [f"post {r}" for r in range(first, min(first + 2, rows))]})
        outdir.write_part(staging, frame, 0, first, {})
    outdir.record_read(staging, 0, rows, "text")
    counts = outdir.verify(staging, [folder / "posts.csv"])
    return staging, {"files": [{"path": c.path, "parts": list(c.parts)} for c in counts]}


def _die(staging: Path) -> None:
    """Mark a staging folder as a run whose process (on this machine) has ended."""
    import socket
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    owner = {"host": socket.gethostname(), "pid": int(gone.stdout)}
    (staging / "owner.json").write_text(json.dumps(owner), encoding="utf-8")
    outdir._unlock(outdir._HELD.pop(staging, None))  # its lock ended with its process


def _commit_run(folder: Path, rows: int) -> Path:
    return outdir.commit(*_staged_run(folder, rows))


def test_a_run_killed_while_committing_does_not_lock_the_output_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    folder = tmp_path / "out"
    _commit_run(folder, 6)  # parts 0, 2, 4
    staging, manifest = _staged_run(folder, 4)  # parts 0, 2
    replace, moved = os.replace, []

    def killed_after_one(source: object, target: object) -> None:
        if moved:
            raise KeyboardInterrupt  # the process dies between two renames
        moved.append(target)
        replace(source, target)

    monkeypatch.setattr(os, "replace", killed_after_one)
    with pytest.raises(KeyboardInterrupt):
        outdir.commit(staging, manifest)  # the old manifest and part 4 are gone, part 0 moved, part 2 not
    monkeypatch.undo()
    _die(staging)
    assert not (folder / "manifest.json").exists()
    _commit_run(folder, 4)  # the next run is not refused ("files ModLens did not write")
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["manifest.json", outdir.part_name(0, 0), outdir.part_name(0, 2)]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["files"][0]["parts"] == names[1:]


def test_a_half_written_manifest_of_a_killed_run_does_not_lock_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    _commit_run(folder, 2)
    (folder / ".manifest.json.0123abcd.tmp").write_text('{"format": "modl', encoding="utf-8")
    _commit_run(folder, 2)
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", outdir.part_name(0, 0)]


def test_staging_folders_of_dead_runs_on_this_machine_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    dead, _ = _staged_run(folder, 4)  # killed before its commit: a full staging folder
    _die(dead)
    elsewhere = outdir.prepare(folder)  # a run on another node of the cluster
    _die(elsewhere)
    owner = json.loads((elsewhere / "owner.json").read_text(encoding="utf-8"))
    (elsewhere / "owner.json").write_text(json.dumps({**owner, "host": "other-node"}), encoding="utf-8")
    running = outdir.prepare(folder)  # a run of this process, still going
    outdir._unlock(outdir._HELD.pop(running, None))  # (as if its lock were not seen here: a node's own lock)
    unknown = folder / ".modlens-run-000000000000"
    unknown.mkdir()  # no owner: left alone
    latest = outdir.prepare(folder)
    assert not dead.exists()
    assert elsewhere.exists() and running.exists() and unknown.exists() and latest.exists()
