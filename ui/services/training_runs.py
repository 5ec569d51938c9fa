"""Where trainings run on disk, who owns them, and what a killed server left behind.

A training of the dashboard works in a folder of its own, ``$MODLENS_HOME/training/run-*``
(the uploaded labels as Parquet, then the model), with ``owner.json`` naming the
server process and, once started, the training child: both by process id and
start time, so that a reused process id is never mistaken for them.

* :class:`TrainingLock` (``fcntl.flock`` on ``$MODLENS_HOME/training/training.lock``)
  is held by the server process while one of its trainings runs: one training at a
  time for every server process that shares ``$MODLENS_HOME``. The kernel drops it
  when the process dies, however it dies.
* :func:`recover` runs when a server starts and before every training: a run folder
  whose server process is gone is removed, and a training child of it that is still
  running (it should have died with its server, see
  :mod:`ui.services.training_process`) is ended first. So a restarted server never
  trains next to an orphan, and uploaded labels never stay on disk.

No Streamlit here.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.registry import default_root

log = logging.getLogger("modlens.ui.training")

RUN_PREFIX = "run-"
OWNER_FILE = "owner.json"
LOCK_FILE = "training.lock"
KILL_WAIT_SECONDS = 10.0
"""How long :func:`recover` waits for an orphaned training child to end after SIGKILL."""
NEW_RUN_GRACE_SECONDS = 60.0
"""A run folder without an owner file younger than this is being created by another server: left alone."""


def training_root() -> Path:
    """``$MODLENS_HOME/training`` (``~/.modlens/training``): the run folders and the lock."""
    return default_root().parent / "training"


# -- processes -----------------------------------------------------------------------------------
def start_time(pid: int) -> int | None:
    """Start time of process ``pid`` in clock ticks since boot (Linux ``/proc``); None when unknown or gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()  # after "pid (command) "; the command may hold spaces
    try:
        return int(fields[19])  # field 22 of stat(5); fields[0] is field 3
    except (IndexError, ValueError):
        return None


def _state(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rfind(")") + 2 :].split()[0]


@dataclass(frozen=True)
class ProcessId:
    """A process by id and start time (the pair stays unique when ids are reused)."""

    pid: int
    started: int | None

    @classmethod
    def of(cls, pid: int) -> ProcessId:
        """The running process ``pid``."""
        return cls(pid=pid, started=start_time(pid))

    @classmethod
    def from_json(cls, data: Any) -> ProcessId | None:
        """Read ``{"pid": ..., "started": ...}``; None when it is not that."""
        if not isinstance(data, dict) or not isinstance(data.get("pid"), int) or data["pid"] <= 0:
            return None
        started = data.get("started")
        return cls(pid=data["pid"], started=started if isinstance(started, int) else None)

    def to_json(self) -> dict[str, Any]:
        """The JSON form of :meth:`from_json`."""
        return {"pid": self.pid, "started": self.started}

    def alive(self) -> bool:
        """True while this very process runs (a zombie or a new process with the same id does not count)."""
        state = _state(self.pid)
        if state is None:
            if Path("/proc/self/stat").exists():  # Linux: no such process
                return False
            try:  # no /proc: ask the kernel
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return False
            except PermissionError:
                return True
            return True
        if state in ("Z", "X"):
            return False
        return self.started is None or start_time(self.pid) == self.started

    def kill(self, wait: float = KILL_WAIT_SECONDS) -> bool:
        """SIGKILL this process if it still runs; True once it is gone (within ``wait`` seconds)."""
        if not self.alive():
            return True
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        deadline = time.monotonic() + wait
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        return not self.alive()


# -- run folders ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrainingRun:
    """The folder of one training and its ``owner.json``."""

    path: Path

    @classmethod
    def create(cls, root: Path | None = None) -> TrainingRun:
        """A new run folder owned by this process."""
        base = root if root is not None else training_root()
        base.mkdir(parents=True, exist_ok=True)
        path = base / f"{RUN_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
        path.mkdir(mode=0o700)
        run = cls(path)
        run._write({"server": ProcessId.of(os.getpid()).to_json(), "child": None, "created": time.time()})
        return run

    @property
    def workdir(self) -> Path:
        """Where the training writes (the labels table, then the model)."""
        return self.path / "work"

    def owner(self) -> dict[str, Any]:
        """The parsed ``owner.json`` (empty when missing or damaged)."""
        try:
            data = json.loads((self.path / OWNER_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def server(self) -> ProcessId | None:
        """The server process that owns the run."""
        return ProcessId.from_json(self.owner().get("server"))

    def child(self) -> ProcessId | None:
        """The training child, once started."""
        return ProcessId.from_json(self.owner().get("child"))

    def record_child(self, pid: int) -> None:
        """Note the training child (called by the server right after starting it)."""
        data = self.owner()
        data["child"] = ProcessId.of(pid).to_json()
        self._write(data)

    def remove(self) -> None:
        """Delete the folder and everything in it."""
        shutil.rmtree(self.path, ignore_errors=True)

    def _write(self, data: dict[str, Any]) -> None:
        part = self.path / f".{OWNER_FILE}.part"
        part.write_text(json.dumps(data), encoding="utf-8")
        part.replace(self.path / OWNER_FILE)


def runs(root: Path | None = None) -> list[TrainingRun]:
    """The run folders under ``root`` (default :func:`training_root`)."""
    base = root if root is not None else training_root()
    if not base.is_dir():
        return []
    return [TrainingRun(p) for p in sorted(base.iterdir()) if p.name.startswith(RUN_PREFIX) and p.is_dir()]


def recover(root: Path | None = None) -> list[str]:
    """Clean up after server processes that died: end their training children, remove their run folders.

    A run whose server still runs (this one or another sharing ``$MODLENS_HOME``) is
    left alone. Returns one line per run cleaned (also logged).
    """
    cleaned: list[str] = []
    for run in runs(root):
        server = run.server()
        if server is not None and server.alive():
            continue
        if server is None and _age_seconds(run.path) < NEW_RUN_GRACE_SECONDS:
            continue  # just made by another server, which has not written its owner file yet
        child = run.child()
        what = f"run folder {run.path.name}"
        if child is not None and child.alive():
            ended = child.kill()
            what += f" and its training process {child.pid} ({'ended' if ended else 'could not be ended'})"
            if not ended:
                log.error("Left by a stopped server: %s; end it by hand.", what)
                continue
        run.remove()
        log.warning("Left by a stopped server, removed: %s.", what)
        cleaned.append(what)
    return cleaned


def _age_seconds(path: Path) -> float:
    """Seconds since ``path`` last changed (0 when it cannot be read: then it is treated as new)."""
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


# -- the lock ------------------------------------------------------------------------------------
class TrainingLock:
    """One training at a time across the server processes that share ``$MODLENS_HOME``.

    Held (``flock``) from the start of a training to its end; the kernel releases it
    when the process dies. Without ``fcntl`` (Windows) it always succeeds.
    """

    def __init__(self, root: Path | None = None) -> None:
        self.path = (root if root is not None else training_root()) / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(ProcessId.of(os.getpid()).to_json()).encode())
        self._fd = fd
        return True

    def holder(self) -> int | None:
        """Process id written by the holder (for messages); None when unknown."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        found = ProcessId.from_json(data)
        return found.pid if found else None

    def release(self) -> None:
        """Give the lock back (closing the file drops the ``flock``)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
