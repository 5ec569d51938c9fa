"""One label's score figures, checked on ``fig.to_dict()``: aggregates only, thresholds drawn."""

from __future__ import annotations

import json

import numpy as np

from core.plots import scores as figures


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


def test_confusion_matrix_at_threshold() -> None:
    truth = np.array([1, 1, 1, 0, 0, np.nan])
    scores = np.array([0.9, 0.8, 0.1, 0.7, 0.2, 0.9])
    fig = figures.confusion_figure(truth, scores, label="toxic", threshold=0.5).to_dict()
    heat = fig["data"][0]
    assert [list(row) for row in heat["z"]] == [[1, 1], [1, 2]]  # [[tn, fp], [fn, tp]]
    assert list(heat["x"]) == ["not flagged", "flagged"]
    assert "threshold 0.500" in fig["layout"]["title"]["text"]
