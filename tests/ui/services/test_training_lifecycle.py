"""Training children and files never outlive their server; one training at a time across restarts and processes.

A stand-in server (``tests/ui/services/slow_training.py``) starts a real training child
process with a slow stand-in body, and is killed with SIGKILL, as a crashed or
killed dashboard server would be.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.model.config import preset
from core.registry import ModelRegistry
from ui.services import training, training_runs
from ui.services.training_runs import ProcessId, TrainingLock, TrainingRun

ROOT = Path(__file__).resolve().parents[3]
WAIT_SECONDS = 30.0


def _eventually(condition: Callable[[], bool], timeout: float = WAIT_SECONDS) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _python(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)


@pytest.fixture
def spawned() -> Iterator[list[subprocess.Popen]]:
    """Processes a test starts; all ended at the end."""
    processes: list[subprocess.Popen] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def _spec() -> training.TrainingSpec:
    table = pd.DataFrame({"text": ["a", "b"], "toxic": [1.0, 0.0], "hate": np.nan})
    return training.TrainingSpec(name="m", source="test", config=preset("seed"), table=table, table_name="t")


def _write_model(out: Path) -> Path:
    out.mkdir(parents=True)
    thresholds = {"toxic": 0.5, "hate": 0.5}
    metadata = {"format_version": 1, "name": "m", "labels": ["toxic", "hate"], "thresholds": thresholds}
    (out / "metadata.json").write_text(json.dumps(metadata))
    return out


@pytest.mark.slow
def test_a_killed_server_takes_its_training_child_and_the_labels_with_it(
    tmp_path: Path, spawned: list[subprocess.Popen], request: pytest.FixtureRequest
) -> None:
    home = tmp_path / "home"
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.services.slow_training", str(home)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    spawned.append(server)
    started = json.loads(server.stdout.readline() or "{}")
    assert started.get("child"), started
    child = ProcessId.of(int(started["child"]))
    run = Path(started["run"])
    request.addfinalizer(child.kill)  # even when the test fails
    assert child.alive() and (run / "work" / "labels.parquet").exists()  # the uploaded labels, while training

    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=10)

    assert _eventually(lambda: not child.alive()), "the training child outlived its server"
    assert _eventually(lambda: not (run / "work").exists()), "the uploaded labels stayed on disk"
    training_runs.recover(home / "training")  # what the next server does first: the rest of the run folder
    assert not run.exists()
    # the next server trains at once: no orphan, no lock left
    assert TrainingLock(home / "training").acquire()


def test_a_restarted_server_ends_an_orphaned_child_before_it_trains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spawned: list[subprocess.Popen]
) -> None:
    dead_server = _python("import time; time.sleep(60)")
    spawned.append(dead_server)
    server_id = ProcessId.of(dead_server.pid)
    orphan = _python("import time; time.sleep(600)")  # a training child whose guard failed
    spawned.append(orphan)
    run = TrainingRun.create()
    (run.workdir).mkdir()
    (run.workdir / "labels.parquet").write_bytes(b"alice@example.com")
    run.record_child(orphan.pid)
    owner = run.owner() | {"server": server_id.to_json()}
    (run.path / training_runs.OWNER_FILE).write_text(json.dumps(owner))
    dead_server.kill()
    dead_server.wait(timeout=10)

    def fake(spec, workdir, progress, log, stop=None, **_) -> Path:
        assert orphan.poll() is not None, "a training started beside an orphan"
        return _write_model(workdir / "model")

    monkeypatch.setattr(training, "train_model", fake)
    board = training.TrainingBoard()
    job = board.start(_spec(), ModelRegistry(root=tmp_path / "registry"))
    assert board.join(job.id, timeout=20)
    assert job.status == training.DONE, job.error
    assert orphan.wait(timeout=10) == -signal.SIGKILL
    assert not run.path.exists()
    assert training_runs.runs() == []  # the new run's folder is gone too


def test_a_run_of_a_live_server_is_left_alone(tmp_path: Path, spawned: list[subprocess.Popen]) -> None:
    other = _python("import time; time.sleep(60)")
    spawned.append(other)
    run = TrainingRun.create(tmp_path)
    (run.path / training_runs.OWNER_FILE).write_text(json.dumps({"server": ProcessId.of(other.pid).to_json()}))
    assert training_runs.recover(tmp_path) == [] and run.path.exists()


def test_a_run_folder_being_created_is_left_alone_until_it_is_old(tmp_path: Path) -> None:
    fresh = tmp_path / f"{training_runs.RUN_PREFIX}1-new"
    fresh.mkdir()  # another server made it and has not written its owner file yet
    assert training_runs.recover(tmp_path) == [] and fresh.exists()
    old = time.time() - 2 * training_runs.NEW_RUN_GRACE_SECONDS
    os.utime(fresh, (old, old))  # an ownerless folder left long ago is cleaned up
    assert len(training_runs.recover(tmp_path)) == 1 and not fresh.exists()


def test_one_training_at_a_time_across_server_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spawned: list[subprocess.Popen]
) -> None:
    root = training_runs.training_root()
    holder = _python(
        "import sys, time\n"
        "from pathlib import Path\n"
        "from ui.services.training_runs import TrainingLock\n"
        f"assert TrainingLock(Path({str(root)!r})).acquire()\n"
        "print('locked', flush=True)\n"
        "time.sleep(60)\n"
    )
    spawned.append(holder)
    assert holder.stdout.readline().strip() == "locked"

    def fake(spec, workdir, progress, log, stop=None, **_) -> Path:
        return _write_model(workdir / "model")

    monkeypatch.setattr(training, "train_model", fake)
    board = training.TrainingBoard()
    registry = ModelRegistry(root=tmp_path / "registry")
    with pytest.raises(training.TrainingBusyError, match=f"another ModLens server process \\(process {holder.pid}\\)"):
        board.start(_spec(), registry)
    assert training_runs.runs() == []
    holder.kill()
    holder.wait(timeout=10)
    job = board.start(_spec(), registry)  # the kernel dropped the dead holder's lock
    assert board.join(job.id, timeout=20) and job.status == training.DONE


def test_a_process_id_is_not_fooled_by_a_reused_number() -> None:
    me = ProcessId.of(os.getpid())
    assert me.alive() and me.started is not None
    assert not ProcessId(os.getpid(), me.started + 1).alive()  # same number, another process
    assert ProcessId.from_json({"pid": "1"}) is None and ProcessId.from_json({"pid": 5, "started": 7}).started == 7
