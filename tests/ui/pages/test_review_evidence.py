"""AppTest: the Review page's evidence of a post longer than the explained start (``ExplainConfig.max_chars``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.store.connect import open_database
from core.store.roles import operator_actor
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.workspace import signed_in, texts
from ui.services import explanations

PAGE = "pages/review.py"


def _queue_one(text: str, scores: list[float]) -> None:
    from core.store.batches import save_batch
    from core.store.queues import QueueRequest
    from core.store.rules import AllPosts
    from tests.db_fixtures import batch_input

    frame = pd.DataFrame({"id": ["long1"], "author": ["a"], "text": [text], "lang": ["en"]})
    batch = batch_input(1, frame=frame, scores=np.array([scores]))
    save_batch(open_database(), operator_actor(), batch, queue=QueueRequest("long", AllPosts()))


def test_a_post_longer_than_the_explained_start_says_so_and_shows_the_whole_posts_verdict(
    fake_model: KeywordModel, team
) -> None:
    start = "hello there " * (explanations.CONFIG.max_chars // 12 + 10)  # innocuous start, past the cut
    text = start + "you idiot"  # the insult lies beyond the explained start
    _queue_one(text, [0.55, 0.1])  # the whole post's scores, as the batch stored them
    at = signed_in("rev")
    at.switch_page(PAGE).run(timeout=60)
    assert not at.exception
    metrics = {m.label: (m.value, m.proto.delta) for m in at.metric}
    assert metrics["toxic score"] == ("0.550", "flagged at 0.500")  # the whole post's score and verdict
    notes = texts(at, "info")
    assert any("only its first 20,000 characters were explained" in n for n in notes), notes
    assert any("the scores above are the whole post's" in n for n in notes)
    captions = texts(at, "caption")
    assert any("The explained start of the post scores 0.100" in c for c in captions), captions
    assert "No word moves this score." not in captions  # the insult is past the explained start


def test_a_short_post_gets_no_cut_note(fake_model: KeywordModel, team) -> None:
    _queue_one("you idiot", [0.55, 0.1])
    at = signed_in("rev")
    at.switch_page(PAGE).run(timeout=60)
    assert not at.exception
    assert not any("were explained" in n for n in texts(at, "info"))
    assert not any("explained start" in c for c in texts(at, "caption"))
    assert any("idiot" in d.value["token"].tolist() for d in at.dataframe if "token" in d.value.columns)


def test_the_explanation_runs_as_a_job_of_the_servers_queue(fake_model: KeywordModel, team, monkeypatch) -> None:
    from ui.services import jobs

    submitted: list[tuple[str, str | None]] = []
    real_submit = jobs.JobQueue.submit

    def spy(self, fn, **kwargs):
        submitted.append((kwargs["kind"], kwargs.get("slot")))
        return real_submit(self, fn, **kwargs)

    monkeypatch.setattr(jobs.JobQueue, "submit", spy)
    _queue_one("you idiot", [0.55, 0.1])
    at = signed_in("rev")
    at.switch_page(PAGE).run(timeout=60)
    assert not at.exception
    assert (jobs.EXPLANATION, "review-post") in submitted
    assert any("idiot" in d.value["token"].tolist() for d in at.dataframe if "token" in d.value.columns)
