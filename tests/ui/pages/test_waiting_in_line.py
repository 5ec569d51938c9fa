"""AppTest: when the server's job queue is busy, a page shows its place in line, then the result.

Other sessions' jobs are stand-ins that hold the queue's workers until released.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.pages.apptest import metric, paste, results_table
from ui.services import jobs


class Busy:
    """Jobs of other sessions: one on every worker and ``waiting`` more in line, until :meth:`release`."""

    def __init__(self, waiting: int) -> None:
        self.gate = threading.Event()
        queue = jobs.job_queue()
        self.jobs = [
            queue.submit(lambda job: self.gate.wait(60), owner=f"other-{i}", kind=jobs.SCORING)
            for i in range(queue.workers + waiting)
        ]
        deadline = time.monotonic() + 10
        while queue.counts() != (queue.workers, waiting):
            assert time.monotonic() < deadline, queue.counts()
            time.sleep(0.01)

    def release(self) -> None:
        self.gate.set()
        for job in self.jobs:
            job.wait()


@pytest.fixture
def busy_server(fake_model: object) -> Iterator[Busy]:
    busy = Busy(waiting=2)
    yield busy
    busy.gate.set()


def progress_texts(at: AppTest) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def test_scoring_waits_in_line_showing_its_place_then_scores(busy_server: Busy, score_page: AppTest) -> None:
    at = paste(score_page)
    assert not at.exception
    assert "Waiting: 3rd in line (2 jobs running on this server)." in progress_texts(at)
    assert not [d for d in at.dataframe if "score_toxic" in d.value.columns]  # no results yet
    assert any("one per person" in c.value for c in at.caption)

    busy_server.release()
    at.run()  # what the waiting panel's refresh does once the job has left the line
    assert not at.exception
    assert results_table(at)["text"].tolist() == ["you idiot", "hello there", "I hate you, stupid"]
    assert metric(at, "Flagged toxic") == "2"
    assert not any(t.startswith("Waiting") for t in progress_texts(at))


def test_an_explanation_waits_in_line_and_the_global_run_can_leave_it(score_page: AppTest) -> None:
    at = paste(score_page)  # scored while the queue was free
    busy = Busy(waiting=1)
    try:
        at.switch_page("pages/explain.py")
        at.query_params["row"] = "0"
        at.run()
        assert not at.exception
        assert "Waiting: 2nd in line (2 jobs running on this server)." in progress_texts(at)
        assert not at.get("html")  # no highlighted post yet

        next(b for b in at.button if b.label == "Explain these posts").click()
        at.run()
        waiting = [t for t in progress_texts(at) if t.startswith("Waiting")]
        assert waiting == [
            "Waiting: 2nd in line (2 jobs running on this server).",
            "Waiting: 3rd in line (2 jobs running on this server).",
        ]
        next(b for b in at.button if b.label == "Stop").click()
        at.run()
        assert [t for t in progress_texts(at) if t.startswith("Waiting")] == waiting[:1]  # the global run left
        assert jobs.job_queue().counts() == (2, 2)
    finally:
        busy.release()
    at.run()
    assert not at.exception
    assert len(at.get("html")) == 2  # the post highlighted for each label
