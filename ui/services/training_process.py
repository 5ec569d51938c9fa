"""Train a model in a child process and relay its progress, log and outcome to the server.

Streamlit calls ``keras.backend.clear_session()`` and a full garbage collection
after every script run, fragment refreshes included. In the server process that
clears TensorFlow's kernel cache under a running fit and stalls it for the GIL:
a watched training ran about ten times slower. So the fit runs in a child
process (``spawn``: no fork of a threaded server); the server keeps a thread that
relays the child's events to the job, asks it to stop through an event when the
user cancels, and ends it if it does not stop by itself within
:data:`CANCEL_GRACE_SECONDS` (e.g. while it writes the model card).

The child never outlives the server: on Linux it asks the kernel for SIGTERM
when its parent dies (``prctl(PR_SET_PDEATHSIG)``), and a watchdog thread checks
the parent's process id every :data:`WATCHDOG_SECONDS` (other systems, or a
signal lost). Either way it removes its work folder (the uploaded labels) and
exits at once. :mod:`ui.services.training_runs` cleans up anything left by a
server that could not be stopped that way.

No Streamlit here: the child imports this module and ``core`` only.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import queue
import shutil
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from core.errors import ModLensError
from core.model.config import ModelConfig
from core.model.labels import DEFAULT_LABELS
from core.model.progress import TrainingProgress
from core.training.debias import DebiasConfig

if TYPE_CHECKING:
    from core.training.pipeline import TrainingRequest

log = logging.getLogger("modlens.ui.training")


class TrainingCrashError(RuntimeError):
    """The training process failed with an error that is not a ModLens error (a bug, or the machine).

    ``summary`` is the last line of its traceback (``ValueError: math domain error``);
    the whole traceback is in the server log.
    """

    def __init__(self, summary: str) -> None:
        super().__init__(summary)
        self.summary = summary


COMMAND = "ModLens dashboard, Model page"
CANCEL_GRACE_SECONDS = 10.0
"""After cancel, how long the child may take to stop at its next progress report before it is ended."""
POLL_SECONDS = 0.2
WATCHDOG_SECONDS = 0.5
"""How often the child checks that the server process is still its parent."""
PR_SET_PDEATHSIG = 1
"""``prctl`` option: the signal the kernel sends a process when its parent dies (Linux)."""
ORPHAN_EXIT_CODE = 75
"""Exit code of a training child that stopped because its server died."""


@dataclass(frozen=True)
class TrainingSpec:
    """What to train: the data (a prepared table and/or public datasets) and the settings.

    Parameters
    ----------
    name
        Model name (safe characters only; it titles the model card).
    source
        Human description of the data, e.g. ``"posts.csv (1,200 posts)"``.
    config
        Hyper-parameters.
    table
        ``text`` and one column per label (1, 0, NaN), or None.
    table_name
        Dataset name of ``table`` in the model card (safe characters only).
    public
        Public datasets to train on (names from ``core.training.datasets.available``).
    labels
        Model labels.
    debias
        Debiasing settings, or None.
    compare_baseline
        With ``debias``: also train without debiasing, for a before/after comparison.
    data_dir
        Folder of the public datasets (None: ``../shared/data``).

    """

    name: str
    source: str
    config: ModelConfig
    table: pd.DataFrame | None = None
    table_name: str = "labelled"
    public: tuple[str, ...] = ()
    labels: tuple[str, ...] = DEFAULT_LABELS
    debias: DebiasConfig | None = None
    compare_baseline: bool = False
    data_dir: Path | None = None

    def request(self, workdir: Path) -> TrainingRequest:
        """The ``core.training.pipeline`` request; writes the table into ``workdir`` (as Parquet: exact values)."""
        from core.training.pipeline import TrainingRequest

        files: tuple[Path, ...] = ()
        if self.table is not None:
            path = workdir / f"{self.table_name}.parquet"
            self.table.to_parquet(path, index=False)
            files = (path,)
        return TrainingRequest(
            out=workdir / "model",
            labels=self.labels,
            files=files,
            text_col="text" if files else None,
            label_columns={label: label for label in self.labels if self.table is not None and label in self.table},
            public=self.public,
            data_dir=self.data_dir,
            config=self.config,
            name=self.name,
            command=COMMAND,
            debias=self.debias,
            compare_baseline=self.compare_baseline,
        )


def run_pipeline(request: TrainingRequest, progress: Callable[[Any], bool], log: Callable[[str], None]) -> None:
    """The training itself (in the child): ``core.training.pipeline.train``."""
    from core.training.pipeline import train

    train(request, progress=progress, log=log)


def _set_parent_death_signal(signum: int) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent dies; False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def guard_parent(parent_pid: int, workdir: Path, poll: float = WATCHDOG_SECONDS) -> None:
    """Make this process (a training child) end with ``parent_pid``, removing ``workdir`` first.

    Three ways, because one may fail: the kernel's parent-death signal (Linux), a
    SIGTERM handler (that signal, or ``terminate()`` from the server), and a daemon
    thread that polls ``os.getppid()`` (any POSIX system; also when the parent died
    before the signal was set up).
    """

    def leave(code: int) -> None:
        shutil.rmtree(workdir, ignore_errors=True)
        os._exit(code)

    signal.signal(signal.SIGTERM, lambda signum, frame: leave(128 + signal.SIGTERM))
    _set_parent_death_signal(signal.SIGTERM)

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                leave(ORPHAN_EXIT_CODE)
            time.sleep(poll)

    if os.getppid() != parent_pid:  # the server died before the guard was up
        leave(ORPHAN_EXIT_CODE)
    threading.Thread(target=watch, name="modlens-train-watchdog", daemon=True).start()


def _child(
    spec: TrainingSpec,
    workdir: Path,
    events: Any,
    stop: Any,
    parent_pid: int,
    body: Callable[[TrainingRequest, Callable[[Any], bool], Callable[[str], None]], None],
) -> None:
    """Body of the child process: guard against orphaning, train and report every event through ``events``."""
    guard_parent(parent_pid, workdir)
    from core.model.fitting import TrainingCancelled

    def progress(event: Any) -> bool:
        events.put(("progress", asdict(event)))
        return not stop.is_set()

    try:
        request = spec.request(workdir)
        body(request, progress, lambda message: events.put(("log", str(message))))
    except TrainingCancelled as exc:
        events.put(("cancelled", str(exc)))
    except ModLensError as exc:
        events.put(("error", str(exc)))
    except BaseException as exc:  # reported to the server, which logs it
        events.put(("crash", "".join(traceback.format_exception(exc))))
    else:
        events.put(("done", str(request.out)))


def train_in_child(
    spec: TrainingSpec,
    workdir: Path,
    progress: Callable[[TrainingProgress], bool | None],
    log: Callable[[str], None],
    stop: threading.Event | None = None,
    *,
    on_start: Callable[[int], None] | None = None,
    body: Callable[[TrainingRequest, Callable[[Any], bool], Callable[[str], None]], None] = run_pipeline,
) -> Path:
    """Train ``spec`` into ``workdir`` in a child process; returns the model directory.

    ``progress`` gets every :class:`TrainingProgress` and may return False to stop the
    fit; ``stop`` (set by another thread) stops it too. Either way the child stops at
    its next progress report, or is ended after :data:`CANCEL_GRACE_SECONDS`.
    ``on_start`` gets the child's process id once it runs. ``body`` trains (a
    module-level function, since the child imports it; tests give a slow stand-in).

    Raises
    ------
    ModLensError
        With core's message when training fails, or "Training was cancelled.".
    TrainingCrashError
        When the child crashed (its traceback goes to the server log; the exception keeps its last line).

    """
    context = multiprocessing.get_context("spawn")
    events = context.Queue()
    child_stop = context.Event()
    workdir.mkdir(parents=True, exist_ok=True)
    process = context.Process(
        target=_child,
        args=(spec, workdir, events, child_stop, os.getpid(), body),
        name="modlens-train",
        daemon=True,
    )
    process.start()
    if on_start is not None and process.pid is not None:
        on_start(process.pid)
    stopping_since: float | None = None
    reported = False
    try:
        while True:
            if stopping_since is None and stop is not None and stop.is_set():
                child_stop.set()
                stopping_since = time.monotonic()
            if stopping_since is not None and time.monotonic() - stopping_since > CANCEL_GRACE_SECONDS:
                raise ModLensError("Training was cancelled.")
            try:
                kind, payload = events.get(timeout=POLL_SECONDS)
                reported = kind not in ("progress", "log")
            except queue.Empty:
                if not process.is_alive():
                    raise ModLensError(
                        f"The training process ended unexpectedly (exit code {process.exitcode}); "
                        "it may have run out of memory. Try fewer posts or a smaller model."
                    ) from None
                continue
            if kind == "progress":
                if progress(TrainingProgress(**payload)) is False and stopping_since is None:
                    child_stop.set()
                    stopping_since = time.monotonic()
            elif kind == "log":
                log(payload)
            elif kind == "done":
                return Path(payload)
            elif kind in ("cancelled", "error"):
                raise ModLensError(payload)
            else:
                log_crash(payload)
                lines = [line for line in str(payload).strip().splitlines() if line.strip()]
                raise TrainingCrashError(lines[-1].strip() if lines else "the training process crashed")
    finally:
        _end(process, events, wait=5.0 if reported else 0.0)


def log_crash(trace: str) -> None:
    """Write the child's traceback to the server log."""
    log.error("Training process failed:\n%s", trace)


def _end(process: Any, events: Any, wait: float) -> None:
    """Let the child exit (``wait`` seconds, once it has reported its outcome) or end it; free the queue."""
    process.join(timeout=wait)
    if process.is_alive():
        process.terminate()
        process.join(timeout=5)
    if process.is_alive():
        process.kill()
        process.join()
    events.cancel_join_thread()
    events.close()
