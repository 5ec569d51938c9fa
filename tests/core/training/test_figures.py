"""The figures a training run records: per-dataset metrics, headlines, and the score memo of the checks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from core.training.datasets import LabelledSet
from core.training.figures import CachedScores, check_headlines, evaluate_sets, headline_metrics


class _WordScorer:
    """Scores 0.9 for posts with 'idiot', else 0.1, on both labels; counts its calls."""

    def __init__(self) -> None:
        self.labels_ = ["toxic", "hate"]
        self.thresholds_ = {"toxic": 0.5, "hate": 0.5}
        self.calls = 0

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        return np.array([[0.9, 0.9] if "idiot" in text else [0.1, 0.1] for text in texts])


def _set(name: str, toxic: list[float], hate: list[float]) -> LabelledSet:
    texts = [f"post {i} idiot" if label == 1 else f"post {i}" for i, label in enumerate(toxic)]
    frame = pd.DataFrame({"text": texts, "toxic": toxic, "hate": hate, "split": "test"})
    return LabelledSet(name, frame, ())


def test_evaluate_sets_skips_labels_without_both_classes() -> None:
    rows = evaluate_sets(_WordScorer(), [_set("jigsaw", [0, 1, 0, 1], [np.nan] * 4), _set("mine", [1, 1], [0, 1])])
    assert [(row["dataset"], row["label"]) for row in rows] == [("jigsaw", "toxic"), ("mine", "hate")]
    assert rows[0]["roc_auc"] == pytest.approx(1.0)


def test_headline_averages_the_v3_sets_and_reports_all_sets_apart() -> None:
    evaluation = [
        {"dataset": "jigsaw", "label": "toxic", "roc_auc": 0.96, "macro_f1": 0.8},
        {"dataset": "olid", "label": "toxic", "roc_auc": 0.84, "macro_f1": 0.7},
        {"dataset": "dynahate", "label": "toxic", "roc_auc": 0.60, "macro_f1": 0.6},
        {"dataset": "dynahate", "label": "hate", "roc_auc": float("nan"), "macro_f1": 0.5},
    ]
    headline = headline_metrics(evaluation)
    assert headline["mean_test_roc_auc_toxic"] == pytest.approx(0.90)  # jigsaw and olid: comparable with v3
    assert headline["mean_test_roc_auc_toxic_all_sets"] == pytest.approx(0.80)
    assert headline["jigsaw_toxic_roc_auc"] == pytest.approx(0.96) and headline["olid_macro_f1"] == pytest.approx(0.7)
    assert "mean_test_roc_auc_hate" not in headline  # undefined figures are left out, not shown as nan
    assert headline_metrics([]) == {}


def test_check_headlines_read_each_check_when_present() -> None:
    checks = {
        "functional": {"accuracy": 0.82},
        "templated_identity": {"final_bias_metric": 0.95, "min_bpsn_auc": None},
        "dynahate_levels": [{"level": "original", "roc_auc": 0.7}, {"level": "all", "roc_auc": 0.8}],
        "calibration": {"toxic": {"ece": 0.03}},
    }
    assert check_headlines(checks) == {
        "functional_accuracy": 0.82,
        "templated_final_bias_metric": 0.95,
        "dynahate_original_roc_auc": 0.7,
        "calibration_ece_toxic": 0.03,
    }
    assert check_headlines({}) == {}


def test_cached_scores_call_the_model_once_per_list_of_texts() -> None:
    model = _WordScorer()
    cached = CachedScores(model)
    first = cached.predict_proba(["a", "an idiot"])
    again = cached.predict_proba(["a", "an idiot"])
    cached.predict_proba(["a"])
    assert model.calls == 2 and np.array_equal(first, again)
    assert cached.labels_ == ["toxic", "hate"]  # other attributes are the model's
