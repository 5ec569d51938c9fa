from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from core.evaluation.metrics import evaluate_scores
from core.io.posts import read_posts
from core.scoring import reflag, score_posts, score_texts


class KeywordModel:
    """Fake model: toxic score 0.9 when 'idiot' is in the text, else 0.1; hate always 0.2."""

    def __init__(self) -> None:
        self.labels_ = ["toxic", "hate"]
        self.thresholds_ = {"toxic": 0.5, "hate": 0.5}
        self.calls: list[int] = []

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return np.array([[0.9 if "idiot" in t else 0.1, 0.2] for t in texts], dtype=np.float32)


def test_score_posts_appends_score_and_flag_columns_in_order() -> None:
    posts = read_posts(b"id,text,score_toxic\n1,you idiot,x\n2,hello,y\n3,,z\n", filename="a.csv")
    scored = score_posts(KeywordModel(), posts)
    assert list(scored.columns) == ["id", "text", "score_toxic", "flag_toxic", "score_hate", "flag_hate"]
    assert scored["flag_toxic"].tolist() == [1, 0, 0]
    assert scored["id"].tolist() == ["1", "2", "3"]
    assert scored["score_toxic"].tolist() == pytest.approx([0.9, 0.1, 0.1])


def test_chunks_and_progress() -> None:
    model = KeywordModel()
    events = []
    scores = score_texts(model, ["idiot"] * 10, chunk_size=4, progress=events.append)
    assert model.calls == [4, 4, 2]
    assert [e.done for e in events] == [4, 8, 10]
    assert events[-1].total == 10 and events[-1].posts_per_second > 0
    assert scores.shape == (10, 2)


def test_reflag_uses_new_thresholds_without_rescoring() -> None:
    posts = read_posts(b"text\nyou idiot\nhello\n", filename="a.csv")
    scored = score_posts(KeywordModel(), posts)
    moved = reflag(scored, {"toxic": 0.05})
    assert moved["flag_toxic"].tolist() == [1, 1]
    assert scored["flag_toxic"].tolist() == [1, 0]


def test_evaluate_scores_known_values_and_one_class() -> None:
    metrics = evaluate_scores(np.array([1, 0, 1, 0, np.nan]), np.array([0.9, 0.2, 0.4, 0.6, 0.99]), threshold=0.5)
    assert metrics["n"] == 4 and metrics["positives"] == 2
    assert metrics["roc_auc"] == pytest.approx(0.75)
    assert metrics["precision"] == pytest.approx(0.5) and metrics["recall"] == pytest.approx(0.5)
    one_class = evaluate_scores(np.array([1, 1]), np.array([0.2, 0.9]), threshold=0.5)
    assert np.isnan(one_class["roc_auc"]) and one_class["recall"] == pytest.approx(0.5)


@pytest.mark.slow
def test_long_post_mask_asks_the_model_and_marks_nothing_for_fakes(tiny_model_dir) -> None:
    from core.model.classifier import ToxicityClassifier
    from core.scoring import long_post_mask

    clf = ToxicityClassifier.load(tiny_model_dir)  # 20 tokens per window
    assert long_post_mask(clf, ["you idiot", " ".join(["word"] * 21)]).tolist() == [False, True]
    assert long_post_mask(object(), ["a", "b"]).tolist() == [False, False]
