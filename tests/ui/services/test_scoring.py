"""Background scoring: progress, the score cache, joining a running job, and scored posts with the model's name."""

from __future__ import annotations

import time

import numpy as np
import pytest

from core.scoring import ScoringProgress
from tests.ui.fake_model import KeywordModel
from ui.services import inputs, scoring


def test_progress_text() -> None:
    text = scoring.progress_text(ScoringProgress(done=16_384, total=100_000, seconds=2.0))
    assert text == "Scored 16,384 of 100,000 posts · 8,192 posts/s"


def test_scoring_job_reports_progress_and_reuses_the_cache(fake_model: KeywordModel) -> None:
    texts = [f"post {i} idiot" if i % 2 else f"post {i}" for i in range(40_000)]
    seen: list[int] = []
    job = scoring.start_scoring(fake_model, "hash-1", "text", texts)
    scored = job.wait(lambda j: seen.append(j.progress.done if j.progress else 0), poll=0.001)
    scores = scored.scores
    assert scores.shape == (40_000, 2)
    assert scored.markers.n_words[:2].tolist() == [2, 3] and scored.markers.n_unknown[:2].tolist() == [1, 1]
    assert job.progress is not None and job.progress.done == 40_000
    assert scores[1, 0] > 0.5 > scores[0, 0]
    calls = fake_model.calls
    key = scoring.score_key(fake_model, "hash-1", "text")
    np.testing.assert_array_equal(scoring.cached_scores(key).scores, scores)  # answered without a job
    again = scoring.start_scoring(fake_model, "hash-1", "text", texts).wait()
    assert fake_model.calls == calls
    np.testing.assert_array_equal(again.scores, scores)
    assert scoring.cached_scores(scoring.score_key(fake_model, "hash-other", "text")) is None


def test_a_running_job_is_joined_not_started_twice(fake_model: KeywordModel, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = fake_model.predict_proba

    def predict(texts: list[str]) -> np.ndarray:
        time.sleep(0.2)
        return slow(texts)

    monkeypatch.setattr(fake_model, "predict_proba", predict)
    first = scoring.start_scoring(fake_model, "hash-2", "text", ["a", "b"])
    second = scoring.start_scoring(fake_model, "hash-2", "text", ["a", "b"])
    assert first is second
    assert first.wait().scores.shape == (2, 2)


def test_scored_posts_carry_the_models_labels_thresholds_and_name() -> None:
    model = KeywordModel()
    posts = inputs.pasted_posts("you idiot\nhello")
    scored = scoring.scored_posts(model, posts, model.predict_proba(posts.texts), seconds=1.5)
    assert scored.labels == ("toxic", "hate") and scored.model_thresholds == {"toxic": 0.5, "hate": 0.5}
    assert scored.model_name == "keyword-fake" and scored.seconds == 1.5
    assert scored.table["flag_toxic"].tolist() == [1, 0]
