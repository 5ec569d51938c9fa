"""The server's job queue: workers, first come first served, one running job per session, joins, replacing, places."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError

import pytest

from ui.services import jobs
from ui.services.jobs import Job, JobQueue


class Gate:
    """Work that runs until released; records the order in which jobs started."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.started: list[str] = []

    def work(self, name: str) -> Callable[[Job], str]:
        def run(job: Job) -> str:
            self.started.append(name)
            assert self.open.wait(10)
            return name

        return run


@pytest.fixture
def gate() -> Iterator[Gate]:
    opened = Gate()
    yield opened
    opened.open.set()  # never leave a worker blocked


def _until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_jobs_wait_in_line_first_come_first_served(gate: Gate) -> None:
    queue = JobQueue(workers=1)
    first = queue.submit(gate.work("a"), owner="a", kind=jobs.SCORING)
    _until(lambda: first.state == jobs.RUNNING)
    second = queue.submit(gate.work("b"), owner="b", kind=jobs.SCORING)
    third = queue.submit(gate.work("c"), owner="c", kind=jobs.EXPLANATION)
    assert (first.position(), second.position(), third.position()) == (0, 1, 2)
    assert jobs.describe(third) == "Waiting: 2nd in line (1 job running on this server)."
    assert queue.counts() == (1, 2)
    gate.open.set()
    assert [job.wait() for job in (first, second, third)] == ["a", "b", "c"]
    assert gate.started == ["a", "b", "c"] and queue.counts() == (0, 0)


def test_a_session_runs_one_job_at_a_time_and_others_go_first(gate: Gate) -> None:
    queue = JobQueue(workers=2)
    mine = queue.submit(gate.work("mine-1"), owner="me", kind=jobs.GLOBAL_EXPLANATION)
    _until(lambda: mine.state == jobs.RUNNING)
    my_next = queue.submit(gate.work("mine-2"), owner="me", kind=jobs.EXPLANATION)
    theirs = queue.submit(gate.work("theirs"), owner="them", kind=jobs.SCORING)
    _until(lambda: theirs.state == jobs.RUNNING)  # a worker was free: the other session overtook
    time.sleep(0.1)
    assert my_next.waiting and my_next.position() == 1
    assert jobs.describe(my_next) == "Waiting: 1st in line (your explanation of many posts runs first on this server)."
    gate.open.set()
    assert my_next.wait() == "mine-2"
    assert gate.started == ["mine-1", "theirs", "mine-2"]


def test_the_same_work_asked_again_is_joined(gate: Gate) -> None:
    queue = JobQueue(workers=1)
    blocker = queue.submit(gate.work("x"), owner="x", kind=jobs.SCORING)
    _until(lambda: blocker.state == jobs.RUNNING)
    one = queue.submit(gate.work("file"), owner="a", kind=jobs.SCORING, key=("hash", "text", "v1"))
    again = queue.submit(gate.work("file"), owner="b", kind=jobs.SCORING, key=("hash", "text", "v1"))
    assert again is one and queue.counts()[1] == 1
    gate.open.set()
    assert blocker.wait() == "x" and one.wait() == "file" and gate.started == ["x", "file"]


def test_a_newer_job_of_a_session_replaces_its_waiting_one_in_the_same_slot(gate: Gate) -> None:
    queue = JobQueue(workers=1)
    blocker = queue.submit(gate.work("x"), owner="x", kind=jobs.SCORING)
    _until(lambda: blocker.state == jobs.RUNNING)
    old = queue.submit(gate.work("old upload"), owner="a", kind=jobs.SCORING, slot="scoring")
    other_kind = queue.submit(gate.work("post"), owner="a", kind=jobs.EXPLANATION, slot="post")
    new = queue.submit(gate.work("new upload"), owner="a", kind=jobs.SCORING, slot="scoring")
    assert old.done and old.future.cancelled() and old.position() == 0
    with pytest.raises(CancelledError):
        old.wait()
    assert other_kind.position() == 1 and new.position() == 2
    gate.open.set()
    assert new.wait() == "new upload" and gate.started == ["x", "post", "new upload"]


def test_stop_withdraws_a_waiting_job_and_flags_a_running_one(gate: Gate) -> None:
    queue = JobQueue(workers=1)
    seen: list[bool] = []

    def until_stopped(job: Job) -> str:
        gate.started.append("long")
        while not job.cancel.wait(0.01):
            pass
        seen.append(True)
        return "stopped"

    running = queue.submit(until_stopped, owner="a", kind=jobs.GLOBAL_EXPLANATION)
    waiting = queue.submit(gate.work("b"), owner="b", kind=jobs.SCORING)
    _until(lambda: running.state == jobs.RUNNING)
    waiting.stop()
    assert waiting.future.cancelled() and queue.counts() == (1, 0)
    running.stop()
    assert running.wait() == "stopped" and seen == [True]


def test_errors_reach_whoever_waits_and_progress_is_reported() -> None:
    queue = JobQueue(workers=1)

    def failing(job: Job) -> None:
        job.update("half way")
        time.sleep(0.3)
        raise ValueError("model broke")

    job = queue.submit(failing, owner="a", kind=jobs.SCORING)
    seen: list[object] = []
    with pytest.raises(ValueError, match="model broke"):
        job.wait(lambda j: seen.append(j.progress), poll=0.05)
    assert "half way" in seen and jobs.describe(job) == "Done."
    assert queue.submit(lambda j: 1, owner="a", kind=jobs.SCORING).wait() == 1  # the worker lives on


@pytest.mark.parametrize(("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (22, "22nd")])
def test_ordinal(n: int, text: str) -> None:
    assert jobs.ordinal(n) == text


def test_workers_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(jobs.WORKERS_ENV, "3")
    assert jobs.default_workers() == 3
    monkeypatch.setenv(jobs.WORKERS_ENV, "none")
    assert 1 <= jobs.default_workers() <= jobs.MAX_WORKERS


def test_a_closed_queue_withdraws_its_line_and_its_workers_end(gate: Gate) -> None:
    queue = JobQueue(workers=2)
    running = queue.submit(gate.work("a"), owner="a", kind=jobs.SCORING)
    _until(lambda: running.state == jobs.RUNNING)
    waiting = queue.submit(gate.work("a2"), owner="a", kind=jobs.EXPLANATION)
    queue.close()
    assert waiting.future.cancelled()
    with pytest.raises(RuntimeError, match="closed"):
        queue.submit(gate.work("b"), owner="b", kind=jobs.SCORING)
    gate.open.set()
    assert running.wait() == "a"
    _until(lambda: not any(t.is_alive() for t in queue._threads))


def test_a_newer_job_of_one_session_does_not_cancel_the_job_another_session_joined(gate: Gate) -> None:
    queue = JobQueue(workers=1)
    busy = queue.submit(gate.work("busy"), owner="c", kind=jobs.SCORING)
    _until(lambda: busy.state == jobs.RUNNING)
    mine = queue.submit(gate.work("file F"), owner="a", kind=jobs.SCORING, key=("scores", "F"), slot="scoring")
    theirs = queue.submit(gate.work("never"), owner="b", kind=jobs.SCORING, key=("scores", "F"), slot="scoring")
    assert theirs is mine
    newer = queue.submit(gate.work("file G"), owner="a", kind=jobs.SCORING, key=("scores", "G"), slot="scoring")
    assert not mine.done and mine.owner == "b"  # still in line, now b's: a no longer waits on it
    alone = queue.submit(gate.work("file H"), owner="a", kind=jobs.SCORING, key=("scores", "H"), slot="scoring")
    with pytest.raises(CancelledError):  # nobody else wanted G: withdrawn as before
        newer.wait()
    gate.open.set()
    assert [job.wait() for job in (busy, mine, alone)] == ["busy", "file F", "file H"]
    queue.close()


def test_stopping_a_joined_job_leaves_it_running_for_the_other_sessions(gate: Gate) -> None:
    queue = JobQueue(workers=1)
    busy = queue.submit(gate.work("busy"), owner="c", kind=jobs.SCORING)
    _until(lambda: busy.state == jobs.RUNNING)
    waiting = queue.submit(gate.work("post"), owner="a", kind=jobs.EXPLANATION, key=("explain", "p"))
    assert queue.submit(gate.work("post"), owner="b", kind=jobs.EXPLANATION, key=("explain", "p")) is waiting
    assert waiting.stop("a") is False  # a leaves the line; b still waits on the job
    assert not waiting.done and not waiting.cancel.is_set() and waiting.owner == "b" and waiting.position() == 1
    assert waiting.stop("b") is True  # the last one waiting: withdrawn
    assert waiting.future.cancelled()

    seen: list[bool] = []
    release = threading.Event()

    def until_released(job: Job) -> str:
        assert release.wait(10)
        seen.append(job.cancel.is_set())
        return "explained"

    running = queue.submit(until_released, owner="a", kind=jobs.EXPLANATION, key=("explain", "q"))
    assert queue.submit(gate.work("q"), owner="b", kind=jobs.EXPLANATION, key=("explain", "q")) is running
    gate.open.set()
    assert busy.wait() == "busy"
    _until(lambda: running.state == jobs.RUNNING)
    assert running.stop("b") is False  # b leaves; the work goes on for a, unflagged
    release.set()
    assert running.wait() == "explained" and seen == [False]
    queue.close()
