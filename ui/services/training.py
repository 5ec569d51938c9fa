"""Train a model version in the background: one training per server, with progress, cancel and the result.

The :class:`TrainingBoard` lives in ``st.cache_resource``, so every session of the
server sees the same trainings and at most one runs at a time: a training belongs to
the server, not to the tab that started it, so anyone allowed to train can watch and
cancel it (a reloaded tab included). Each training is
held by a daemon thread: :func:`train_model` (``core.training.pipeline.train`` into a
run folder under ``$MODLENS_HOME/training``, computed in a child process, see
:mod:`ui.services.training_process`), then ``ModelRegistry.add``. Its progress callback
records every event and returns False once cancel was asked, which stops the fit; a
training cancelled at any point never adds a version.

The one-training rule also holds across server processes and restarts
(:mod:`ui.services.training_runs`): a training holds a lock file while it runs, and
before one starts, whatever a killed server left (its run folder, a training child
still running) is removed.

Tests replace :func:`train_model` (``monkeypatch.setattr``) to run the page
with a fast fake trainer. The server process never imports TensorFlow for training.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from core.errors import ModLensError, TrainingBusyError
from core.model.artifact import CARD_FILE, read_metadata
from core.model.config import ModelConfig
from core.model.metadata import ModelMetadata
from core.registry import ModelRegistry
from core.store.audit import record_audit
from core.store.roles import Actor, Permission, require
from core.training.debias import DebiasConfig
from ui.services import auth, failures
from ui.services.labelled import LabelledPosts, check_trainable
from ui.services.training_process import TrainingCrashError, TrainingProgress, TrainingSpec, train_in_child
from ui.services.training_runs import TrainingLock, TrainingRun, recover

__all__ = [
    "TrainingBoard",
    "TrainingBusyError",
    "TrainingCrashError",
    "TrainingJob",
    "TrainingProgress",
    "TrainingSpec",
    "recover",
    "safe_name",
    "train_model",
    "training_board",
    "training_spec",
]

log = logging.getLogger("modlens.ui.training")

RUNNING, DONE, CANCELLED, FAILED = "running", "done", "cancelled", "failed"
KEEP_FINISHED = 8
"""Finished trainings kept on the board (so their sessions can show the result)."""
CANCEL_EVENT = "model_train_cancel"
"""Audit action of a cancelled training (entity ``model``, no version yet)."""


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str, fallback: str = "model", limit: int = 60) -> str:
    """Letters, digits, ``.``, ``_`` and ``-`` only (others become ``-``): safe in file names and Markdown."""
    cleaned = _UNSAFE.sub("-", str(text)).strip("-._")[:limit]
    return cleaned or fallback


def training_spec(
    data: LabelledPosts | tuple[str, ...], name: str, config: ModelConfig, debias: DebiasConfig | None, baseline: bool
) -> TrainingSpec:
    """What to train: labelled posts (checked first) or the names of public datasets, with the settings.

    Raises
    ------
    ModLensError
        When the labelled posts cannot be trained on (see :func:`ui.services.labelled.check_trainable`).

    """
    if isinstance(data, tuple):
        return TrainingSpec(
            name=name,
            source=f"public datasets {', '.join(data)}",
            config=config,
            public=data,
            debias=debias,
            compare_baseline=baseline,
        )
    check_trainable(data)
    stem = safe_name(Path(data.name).stem or "labelled", "labelled")
    return TrainingSpec(
        name=name,
        source=f"{data.name} ({len(data):,} posts)",
        config=config,
        table=data.training_table(),
        table_name=stem,
        debias=debias,
        compare_baseline=baseline,
    )


@dataclass
class TrainingJob:
    """One training: its progress events, log, status and, when done, the new version."""

    id: str
    spec: TrainingSpec
    started: float = field(default_factory=time.time)
    status: str = RUNNING
    version: int | None = None
    metadata: ModelMetadata | None = None
    card: str = ""
    error: str | None = None
    finished: float | None = None
    cancelled_by: str | None = None
    saving: bool = False
    _events: list[dict[str, Any]] = field(default_factory=list)
    _messages: list[str] = field(default_factory=list)
    _fits: int = 0
    _cancel: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- called by the training thread --------------------------------------------------------
    def progress(self, event: TrainingProgress) -> bool:
        """Progress callback of ``ToxicityClassifier.fit``: records the event; False asks the fit to stop."""
        with self._lock:
            self._events.append(self._record(event))
        return not self._cancel.is_set()

    def _record(self, event: TrainingProgress) -> dict[str, Any]:
        return {
            "run": max(self._fits - 1, 0),
            "phase": event.phase,
            "epoch": int(event.epoch),
            "epochs": int(event.epochs),
            "batch": int(event.batch),
            "batches": int(event.batches),
            "loss": float(event.loss),
            "val_auc": float(event.val_auc),
        }

    def log(self, message: str) -> None:
        """Log callback of ``core.training.pipeline.train``; each fit starts with ``Training on ...``."""
        with self._lock:
            self._messages.append(str(message))
            if str(message).startswith("Training on "):
                self._fits += 1

    def finish(
        self,
        status: str,
        *,
        version: int | None = None,
        metadata: ModelMetadata | None = None,
        card: str = "",
        error: str | None = None,
    ) -> None:
        """Record the outcome."""
        with self._lock:
            self.version, self.metadata, self.card, self.error = version, metadata, card, error
            self.finished = time.time()
            self.status = status

    # -- called by pages ------------------------------------------------------------------------
    def cancel(self, by: str | None = None) -> None:
        """Ask the training to stop at its next progress report; it then saves nothing. ``by`` names who asked."""
        if not self._cancel.is_set():
            self.cancelled_by = by
        self._cancel.set()

    def step(self) -> str:
        """Where the training is (or was when it ended), for messages: "during epoch 2 of 6"."""
        if self.saving:
            return "while saving the new version into the model registry"
        latest = self.latest()
        if latest is None:
            return "while preparing the data and the model, before the first epoch"
        fits = 2 if self.spec.debias is not None and self.spec.compare_baseline else 1
        which = f" of model {latest['run'] + 1} of {fits}" if fits > 1 else ""
        if latest["phase"] == "epoch":
            return (
                f"after epoch {latest['epoch']} of {latest['epochs']}{which} "
                "(in the next epoch, or while evaluating the model and writing its card)"
            )
        return f"during epoch {latest['epoch']} of {latest['epochs']}{which}"

    @property
    def stop_event(self) -> threading.Event:
        """Set once cancel was asked (the trainer watches it)."""
        return self._cancel

    @property
    def cancel_requested(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._cancel.is_set()

    @property
    def running(self) -> bool:
        """True until the training has finished, been cancelled or failed."""
        return self.status == RUNNING

    @property
    def seconds(self) -> float:
        """Seconds since the start (until the end, once finished)."""
        return (self.finished or time.time()) - self.started

    @property
    def fits(self) -> int:
        """Models fitted so far or in progress (2 when a baseline is trained before the debiased model)."""
        return self._fits

    def events(self) -> list[dict[str, Any]]:
        """A copy of the progress events so far."""
        with self._lock:
            return list(self._events)

    def messages(self) -> list[str]:
        """A copy of the log messages so far."""
        with self._lock:
            return list(self._messages)

    def latest(self) -> dict[str, Any] | None:
        """The last progress event, if any."""
        with self._lock:
            return dict(self._events[-1]) if self._events else None

    def fraction(self) -> float:
        """Share of the planned work done (epochs and batches of every fit), in [0, 1]."""
        latest = self.latest()
        if latest is None:
            return 0.0
        planned_fits = 2 if self.spec.debias is not None and self.spec.compare_baseline else 1
        within = (latest["epoch"] - 1 + latest["batch"] / max(latest["batches"], 1)) / max(latest["epochs"], 1)
        return min(1.0, (latest["run"] + within) / planned_fits)


def train_model(
    spec: TrainingSpec,
    workdir: Path,
    progress: Callable[[Any], bool | None],
    log: Callable[[str], None],
    stop: threading.Event | None = None,
    *,
    on_start: Callable[[int], None] | None = None,
) -> Path:
    """Train ``spec`` into ``workdir`` and return the model directory; tests replace this.

    Runs ``core.training.pipeline.train`` in a child process (:func:`ui.services.training_process.train_in_child`);
    ``on_start`` gets the child's process id.
    """
    return train_in_child(spec, workdir, progress, log, stop, on_start=on_start)


def _work(
    job: TrainingJob, registry: ModelRegistry, run: TrainingRun, lock: TrainingLock, actor: Actor | None = None
) -> None:
    """Body of the training thread: train, then add the model directory to the registry.

    A cancelled fit ends with a ``ModLensError``; any ModLens error after cancel was
    asked counts as cancelled, and so does a fit that ends after it was asked. The run
    folder is removed and the lock released however it ends.
    """
    try:
        out = (
            None
            if job.cancel_requested
            else train_model(job.spec, run.workdir, job.progress, job.log, job.stop_event, on_start=run.record_child)
        )
        if out is None or job.cancel_requested:  # also when asked after the last progress report: save nothing
            job.finish(CANCELLED)
            return
        job.saving = True
        version = registry.add(out, actor=actor)  # with an actor: checked and audited as model_train
        path = registry.path_of(version)
        card = (path / CARD_FILE).read_text(encoding="utf-8") if (path / CARD_FILE).exists() else ""
        job.finish(DONE, version=version, metadata=read_metadata(path), card=card)
    except ModLensError as exc:
        job.finish(CANCELLED if job.cancel_requested else FAILED, error=str(exc))
    except Exception as exc:  # a training bug must not leave the job running forever; the log has the traceback
        log.exception("Training failed")
        job.finish(FAILED, error=failure_message(job, exc))
    finally:
        run.remove()
        lock.release()


RETRY_ADVICE = (
    "Try again; if it fails the same way, try fewer posts, the 'seed' preset or smaller settings "
    "(More settings), or without debiasing."
)


def failure_message(job: TrainingJob, exc: BaseException) -> str:
    """What an unexpected training failure says: the step, the error in one line and what to try."""
    error: BaseException | str = exc.summary if isinstance(exc, TrainingCrashError) else exc
    return failures.unexpected("Training", error, step=job.step(), tries=RETRY_ADVICE)


class TrainingBoard:
    """The server's trainings by id; at most one running at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, TrainingJob] = {}
        self._threads: dict[str, threading.Thread] = {}

    def running(self) -> TrainingJob | None:
        """The training in progress, if any."""
        with self._lock:
            return next((job for job in self._jobs.values() if job.running), None)

    def get(self, job_id: str | None) -> TrainingJob | None:
        """A training by id (None when unknown or forgotten)."""
        with self._lock:
            return self._jobs.get(job_id) if job_id else None

    def start(self, spec: TrainingSpec, registry: ModelRegistry, actor: Actor | None = None) -> TrainingJob:
        """Start a training in a new thread, for an ``actor`` allowed to manage models.

        ``actor`` defaults to the session's (:func:`ui.services.auth.require`). The new
        version is added only while the actor may still manage models, and recorded as
        ``model_train``.

        Raises
        ------
        PermissionDenied
            When nobody is signed in, or the actor's role may not train models.
        TrainingBusyError
            When a training is already running on this server, or in another server
            process that shares ``$MODLENS_HOME``.

        """
        actor = _manager(actor)
        with self._lock:
            busy = next((job for job in self._jobs.values() if job.running), None)
            if busy is not None:
                raise TrainingBusyError(busy_message(busy))
            recover()  # a server killed during a training may have left its child and files
            lock = TrainingLock()
            if not lock.acquire():
                holder = lock.holder()
                raise TrainingBusyError(
                    "A training is already running in another ModLens server process"
                    + (f" (process {holder})" if holder else "")
                    + " that shares this model registry. One training runs at a time: start yours when it has "
                    "finished."
                )
            try:
                run = TrainingRun.create()
            except OSError:
                lock.release()
                raise
            job = TrainingJob(id=uuid.uuid4().hex[:12], spec=spec)
            self._jobs[job.id] = job
            finished = [key for key, j in self._jobs.items() if not j.running]
            for key in finished[:-KEEP_FINISHED]:
                del self._jobs[key]
                self._threads.pop(key, None)
            thread = threading.Thread(
                target=_work, args=(job, registry, run, lock, actor), name=f"modlens-train-{job.id}", daemon=True
            )
            self._threads[job.id] = thread
            thread.start()
        return job

    def cancel(self, job_id: str, actor: Actor | None = None) -> TrainingJob | None:
        """Cancel a training, whichever session started it, for an ``actor`` allowed to train (default: the session's).

        Recorded in the audit log as :data:`CANCEL_EVENT` (the training's name, data and step), once.

        Raises
        ------
        PermissionDenied
            When nobody is signed in, or the actor's role may not train models (checked against the users table).
        ModLensError
            When the audit event cannot be recorded (the database): the training then goes on.

        """
        actor = _manager(actor)
        job = self.get(job_id)
        if job is not None and job.running and not job.cancel_requested:
            # checked against the users table and recorded before the training stops: hours of work end here
            record_audit(
                auth.database(),
                actor,
                CANCEL_EVENT,
                "model",
                None,
                before={"training": job.spec.name, "source": job.spec.source, "step": job.step()},
                permission=Permission.MANAGE_MODELS,
            )
            job.cancel(actor.name)
        return job

    def join(self, job_id: str, timeout: float | None = None) -> bool:
        """Wait for a training's thread to end (tests, shutdown); True when it has ended."""
        with self._lock:
            thread = self._threads.get(job_id)
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()


def _manager(actor: Actor | None) -> Actor:
    """``actor`` (default: the session's) if it may train models.

    Raises
    ------
    PermissionDenied
        When nobody is signed in, or the role may not train models.

    """
    if actor is None:
        return auth.require(Permission.MANAGE_MODELS)
    require(actor, Permission.MANAGE_MODELS)
    return actor


def busy_message(job: TrainingJob) -> str:
    """Why another training cannot start now."""
    started = time.strftime("%H:%M:%S", time.localtime(job.started))
    return (
        f"A training is already running on this server ({job.spec.name}, started at {started}). "
        "One training runs at a time: start yours when it has finished, or cancel it (above)."
    )


@st.cache_resource(show_spinner=False)
def training_board() -> TrainingBoard:
    """The server's one training board (made after cleaning up what a killed server left)."""
    recover()
    return TrainingBoard()
