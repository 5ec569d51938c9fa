"""The server's queue of heavy work (scoring, explanations): a few workers, one running job per session.

Many analysts share one server with few cores. Every job that runs the model over
many texts (scoring an upload, explaining a post, the global view) goes through one
:class:`JobQueue` per server process:

* at most :data:`WORKERS` jobs run at a time (``$MODLENS_JOB_WORKERS``, default: the
  number of CPU cores, at most :data:`MAX_WORKERS`); the rest wait in line, first come
  first served, and each knows its place (:meth:`Job.position`, "3rd in line");
* a session runs one job at a time: its next job waits until the one running ends,
  even when a worker is free, so one analyst cannot take every worker;
* a job asked for again while it is waiting or running (a rerun, another session
  scoring the same file) is joined, not repeated (same ``key``);
* a new job of a session replaces its job in the same ``slot`` still waiting (a newer
  upload, another post): the old one is cancelled before it starts, unless another
  session joined it (that session then owns it);
* a session that stops a job (:meth:`Job.stop`) only leaves it when another session
  joined it: the job goes on for them, and only the last one waiting cancels it.

No widgets; :mod:`ui.components.job_progress` shows a job's place and progress.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

MAX_WORKERS = 4
"""Most jobs that run at the same time, whatever the number of cores."""
WORKERS_ENV = "MODLENS_JOB_WORKERS"
POLL_SECONDS = 0.2
"""How often a page waiting on a running job refreshes its progress bar."""
WAITING, RUNNING, DONE = "waiting", "running", "done"
SCORING, EXPLANATION, GLOBAL_EXPLANATION = "scoring", "explanation", "explanation of many posts"
"""Kinds of job (also how the page names them)."""


def default_workers() -> int:
    """``$MODLENS_JOB_WORKERS``, else the number of CPU cores (1 to :data:`MAX_WORKERS`)."""
    raw = os.environ.get(WORKERS_ENV, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``22nd``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(eq=False)
class Job:
    """One piece of work in the queue: who asked, what it is, where it stands, and its result (``future``)."""

    owner: str
    kind: str
    key: Hashable | None
    slot: str | None
    fn: Callable[[Job], Any]
    queue: JobQueue
    number: int = 0
    future: Future = field(default_factory=Future)
    state: str = WAITING
    progress: Any = None
    submitted: float = field(default_factory=time.monotonic)
    started: float | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    taken: threading.Event = field(default_factory=threading.Event)
    """Set once the job left the line (a worker took it, or it was withdrawn)."""
    joined: set[str] = field(default_factory=set)
    """Other owners waiting on this job (they asked for the same ``key``)."""

    def update(self, progress: Any) -> None:
        """Progress callback for the work (runs in the worker thread)."""
        self.progress = progress

    @property
    def waiting(self) -> bool:
        """True until a worker takes the job."""
        return self.state == WAITING

    @property
    def done(self) -> bool:
        """True once it has a result, an error, or was cancelled."""
        return self.future.done()

    def position(self) -> int:
        """Place in line: 1 for the next job to run; 0 once running or done."""
        return self.queue.position(self)

    def wait_turn(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the job to leave the line; True once it has."""
        return self.taken.wait(timeout)

    def stop(self, owner: str | None = None) -> bool:
        """``owner`` (by default the session asking) no longer wants the job; True when that stopped it.

        The job goes on for the other sessions that joined it (one of them owns it from then
        on); only the last one waiting stops it: dropped if still waiting, the work sees
        :attr:`cancel` set otherwise.
        """
        return self.queue.stop(self, session_owner() if owner is None else owner)

    def wait(self, on_progress: Callable[[Job], None] | None = None, poll: float = POLL_SECONDS) -> Any:
        """Block until done, calling ``on_progress`` every ``poll`` seconds; returns the result or raises its error.

        Raises
        ------
        concurrent.futures.CancelledError
            When the job was withdrawn before it ran.

        """
        while True:
            try:
                return self.future.result(timeout=poll)
            except FutureTimeout:
                if on_progress is not None:
                    on_progress(self)


class JobQueue:
    """Jobs in line and running, and the worker threads that run them (see the module docstring)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers if workers is not None else default_workers()
        self._cond = threading.Condition()
        self._waiting: list[Job] = []
        self._running: list[Job] = []
        self._numbers = itertools.count(1)
        self._closed = False
        self._threads = [
            threading.Thread(target=self._work, name=f"modlens-job-{i}", daemon=True) for i in range(self.workers)
        ]
        for thread in self._threads:
            thread.start()

    # -- asking ------------------------------------------------------------------------------------
    def submit(
        self,
        fn: Callable[[Job], Any],
        *,
        owner: str,
        kind: str,
        key: Hashable | None = None,
        slot: str | None = None,
    ) -> Job:
        """Queue ``fn(job)``; returns the job (an unfinished one with the same ``key`` is joined instead).

        With a ``slot`` (what the job is for on a page: "scoring", "post", "what-if"),
        the owner's waiting jobs in the same slot are withdrawn first; one that another
        owner joined stays in line for them.
        """
        with self._cond:
            if self._closed:
                raise RuntimeError("the job queue was closed")
            if key is not None:
                for job in (*self._running, *self._waiting):
                    if job.key == key:
                        if job.owner != owner:
                            job.joined.add(owner)
                        return job
            if slot is not None:
                for old in [j for j in self._waiting if owner in (j.owner, *j.joined) and j.slot == slot]:
                    self._leave(old, owner)
            job = Job(owner=owner, kind=kind, key=key, slot=slot, fn=fn, queue=self, number=next(self._numbers))
            self._waiting.append(job)
            self._cond.notify_all()
            return job

    def withdraw(self, job: Job) -> bool:
        """Take a job out of the line (True), unless a worker already took it (False)."""
        with self._cond:
            if job in self._waiting:
                self._drop(job)
                self._cond.notify_all()
                return True
            return False

    def stop(self, job: Job, owner: str) -> bool:
        """``owner`` stops waiting on ``job``; True when nobody else waited on it and it was stopped (:meth:`Job.stop`).

        An owner that is not among those waiting (a caller outside any session) counts as the job's owner.
        """
        with self._cond:
            if owner not in (job.owner, *job.joined):
                owner = job.owner
            if job.owner != owner:  # a session that joined it leaves; the owner still waits on it
                job.joined.discard(owner)
                return False
            if job.joined:  # others joined it: it goes on for them, one of them owns it now
                job.owner = min(job.joined)  # one running job per session holds for the new owner
                job.joined.discard(job.owner)
                self._cond.notify_all()  # the old owner may be free to run its next job
                return False
            job.cancel.set()
            if job in self._waiting:
                self._drop(job)
            self._cond.notify_all()
            return True

    def close(self) -> None:
        """Withdraw every waiting job and let the workers end once their job is done (the queue is dropped)."""
        with self._cond:
            self._closed = True
            for job in list(self._waiting):
                self._drop(job)
            self._cond.notify_all()

    def _leave(self, job: Job, owner: str) -> None:
        """``owner`` no longer waits on ``job``: it is dropped, unless another owner joined it (who then owns it)."""
        job.joined.discard(owner)
        if job.owner == owner and job.joined:
            job.owner = min(job.joined)  # one running job per session holds for the new owner
            job.joined.discard(job.owner)
        elif job.owner == owner:
            self._drop(job)

    def _drop(self, job: Job) -> None:
        self._waiting.remove(job)
        job.state = DONE
        job.future.cancel()
        job.taken.set()

    # -- looking -----------------------------------------------------------------------------------
    def position(self, job: Job) -> int:
        """1 + the number of jobs in line before ``job``; 0 when it is not in line."""
        with self._cond:
            try:
                return self._waiting.index(job) + 1
            except ValueError:
                return 0

    def counts(self) -> tuple[int, int]:
        """``(running, waiting)`` jobs now."""
        with self._cond:
            return len(self._running), len(self._waiting)

    def jobs_of(self, owner: str) -> list[Job]:
        """The owner's jobs running or in line."""
        with self._cond:
            return [j for j in (*self._running, *self._waiting) if j.owner == owner]

    # -- working -----------------------------------------------------------------------------------
    def _next(self) -> Job | None:
        """The first job in line whose owner has no job running."""
        busy = {job.owner for job in self._running}
        return next((job for job in self._waiting if job.owner not in busy), None)

    def _work(self) -> None:
        while True:
            with self._cond:
                job = self._next()
                while job is None:
                    if self._closed:
                        return
                    self._cond.wait()
                    job = self._next()
                self._waiting.remove(job)
                self._running.append(job)
                job.state, job.started = RUNNING, time.monotonic()
                job.taken.set()
            try:
                if job.future.set_running_or_notify_cancel():
                    try:
                        result = job.fn(job)
                    except BaseException as exc:  # handed to whoever waits on the job
                        job.future.set_exception(exc)
                    else:
                        job.future.set_result(result)
            finally:
                with self._cond:
                    self._running.remove(job)
                    job.state = DONE
                    self._cond.notify_all()


def describe(job: Job) -> str:
    """Where a job stands, for its page: ``Waiting: 3rd in line (2 jobs running on this server).``."""
    if job.done:
        return "Done."
    position = job.position()
    if position == 0:
        return f"Running ({job.kind})."
    running, _ = job.queue.counts()
    own = [j for j in job.queue.jobs_of(job.owner) if j is not job and j.state == RUNNING]
    why = f"your {own[0].kind} runs first" if own else f"{running} job{'s' if running != 1 else ''} running"
    return f"Waiting: {ordinal(position)} in line ({why} on this server)."


def _release(queue: JobQueue) -> None:
    queue.close()


@st.cache_resource(show_spinner=False, on_release=_release)
def job_queue() -> JobQueue:
    """The server's one queue (closed when the cache is cleared)."""
    return JobQueue()


def session_owner() -> str:
    """Who asks: the Streamlit session of the running page (``"local"`` outside a page run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else "local"


__all__ = [
    "DONE",
    "EXPLANATION",
    "GLOBAL_EXPLANATION",
    "RUNNING",
    "SCORING",
    "WAITING",
    "CancelledError",
    "Job",
    "JobQueue",
    "default_workers",
    "describe",
    "job_queue",
    "ordinal",
    "session_owner",
]
