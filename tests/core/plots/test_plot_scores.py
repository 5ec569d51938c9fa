"""Score page figures, checked on ``fig.to_dict()``: aggregates only, thresholds drawn, curves right."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from core.plots import scores as figures


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    truth = (rng.random(5_000) < 0.3).astype(float)
    scores = np.clip(0.35 * truth + 0.6 * rng.random(5_000), 0, 1)
    truth[:100] = np.nan  # unknown labels are left out of curves
    return truth, scores


def _vline_x(fig: dict) -> list[float]:
    return [s["x0"] for s in fig["layout"].get("shapes", []) if s.get("x0") == s.get("x1")]


def test_histogram_bins_all_scores_and_draws_the_threshold(data: tuple[np.ndarray, np.ndarray]) -> None:
    _, scores = data
    fig = figures.score_histogram(scores, label="toxic", threshold=0.4, bins=20).to_dict()
    assert len(fig["data"]) == 1
    bars = fig["data"][0]
    assert bars["type"] == "bar" and len(bars["x"]) == 20
    assert sum(bars["y"]) == len(scores)
    assert _vline_x(fig) == [0.4]
    flagged = int((scores >= 0.4).sum())
    assert f"{flagged:,} of 5,000 posts flagged" in fig["layout"]["title"]["text"]


def test_histogram_size_does_not_grow_with_posts() -> None:
    small = figures.score_histogram(np.linspace(0, 1, 100), label="t", threshold=0.5)
    large = figures.score_histogram(np.random.default_rng(1).random(200_000), label="t", threshold=0.5)
    assert len(json.dumps(large.to_dict())) < 2 * len(json.dumps(small.to_dict()))


def test_histogram_with_truth_splits_positive_negative_unlabelled(data: tuple[np.ndarray, np.ndarray]) -> None:
    truth, scores = data
    fig = figures.score_histogram(scores, label="hate", threshold=0.5, truth=truth).to_dict()
    names = [t["name"] for t in fig["data"]]
    assert names == ["labelled positive", "labelled negative", "unlabelled"]
    counts = [sum(t["y"]) for t in fig["data"]]
    assert counts == [int(np.nansum(truth)), int((truth == 0).sum()), 100]
    assert fig["layout"]["barmode"] == "stack"


def test_label_names_are_html_escaped() -> None:
    fig = figures.score_histogram(np.array([0.2, 0.8]), label="<b>x</b>", threshold=0.5).to_dict()
    assert "<b>x</b>" not in fig["layout"]["title"]["text"]
    assert "&lt;b&gt;x&lt;/b&gt;" in fig["layout"]["title"]["text"]


def test_operating_point_counts() -> None:
    point = figures.operating_point(np.array([1, 1, 0, 0, np.nan]), np.array([0.9, 0.2, 0.7, 0.1, 0.99]), 0.5)
    assert (point["tp"], point["fn"], point["fp"], point["tn"]) == (1, 1, 1, 1)
    assert point["tpr"] == 0.5 and point["fpr"] == 0.5 and point["precision"] == 0.5
    assert math.isnan(figures.operating_point(np.array([1.0]), np.array([0.1]), 0.5)["precision"])


def test_roc_curve_auc_and_operating_point(data: tuple[np.ndarray, np.ndarray]) -> None:
    truth, scores = data
    fig = figures.roc_figure(truth, scores, label="toxic", threshold=0.5).to_dict()
    known = ~np.isnan(truth)
    expected = roc_auc_score(truth[known], scores[known])
    assert f"AUC {expected:.3f}" in fig["layout"]["title"]["text"]
    curve = fig["data"][1]
    assert len(curve["x"]) <= figures.MAX_CURVE_POINTS
    assert curve["x"][0] == 0 and curve["x"][-1] == 1
    marker = fig["data"][2]
    point = figures.operating_point(truth, scores, 0.5)
    assert list(marker["x"]) == [point["fpr"]]
    assert list(marker["y"]) == [point["tpr"]]


def test_pr_curve_and_operating_point(data: tuple[np.ndarray, np.ndarray]) -> None:
    truth, scores = data
    fig = figures.pr_figure(truth, scores, label="toxic", threshold=0.6).to_dict()
    assert "AP " in fig["layout"]["title"]["text"]
    point = figures.operating_point(truth, scores, 0.6)
    marker = fig["data"][-1]
    assert list(marker["x"]) == [point["tpr"]] and list(marker["y"]) == [point["precision"]]
    baseline = [s for s in fig["layout"]["shapes"] if s.get("y0") == s.get("y1")]
    assert baseline and baseline[0]["y0"] == pytest.approx(np.nanmean(truth))


def test_curves_need_both_classes() -> None:
    for make in (figures.roc_figure, figures.pr_figure):
        fig = make(np.ones(5), np.linspace(0, 1, 5), label="hate", threshold=0.5).to_dict()
        assert fig["data"] == []
        assert "both positive and negative" in fig["layout"]["annotations"][0]["text"]


def test_confusion_matrix_at_threshold() -> None:
    truth = np.array([1, 1, 1, 0, 0, np.nan])
    scores = np.array([0.9, 0.8, 0.1, 0.7, 0.2, 0.9])
    fig = figures.confusion_figure(truth, scores, label="toxic", threshold=0.5).to_dict()
    heat = fig["data"][0]
    assert [list(row) for row in heat["z"]] == [[1, 1], [1, 2]]  # [[tn, fp], [fn, tp]]
    assert list(heat["x"]) == ["not flagged", "flagged"]
    assert "threshold 0.500" in fig["layout"]["title"]["text"]
