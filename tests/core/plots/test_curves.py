"""ROC / precision-recall figures, checked on ``fig.to_dict()``: curves thinned, operating points marked."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from core.evaluation.thresholds import operating_point_at
from core.plots import curves
from core.plots.curves import CurveSeries, pr_curves, roc_curves
from core.plots.style import MAX_CURVE_POINTS


def test_roc_curve_auc_and_operating_point(data: tuple[np.ndarray, np.ndarray]) -> None:
    truth, scores = data
    fig = curves.roc_figure(truth, scores, label="toxic", threshold=0.5).to_dict()
    known = ~np.isnan(truth)
    expected = roc_auc_score(truth[known], scores[known])
    assert f"AUC {expected:.3f}" in fig["layout"]["title"]["text"]
    curve = fig["data"][1]
    assert len(curve["x"]) <= MAX_CURVE_POINTS
    assert curve["x"][0] == 0 and curve["x"][-1] == 1
    marker = fig["data"][2]
    point = operating_point_at(truth, scores, 0.5, require_both_classes=False)
    assert list(marker["x"]) == [point.false_positive_rate]
    assert list(marker["y"]) == [point.recall]


def test_pr_curve_and_operating_point(data: tuple[np.ndarray, np.ndarray]) -> None:
    truth, scores = data
    fig = curves.pr_figure(truth, scores, label="toxic", threshold=0.6).to_dict()
    assert "AP " in fig["layout"]["title"]["text"]
    point = operating_point_at(truth, scores, 0.6, require_both_classes=False)
    marker = fig["data"][-1]
    assert list(marker["x"]) == [point.recall] and list(marker["y"]) == [point.precision]
    baseline = [s for s in fig["layout"]["shapes"] if s.get("y0") == s.get("y1")]
    assert baseline and baseline[0]["y0"] == pytest.approx(np.nanmean(truth))


def test_curves_need_both_classes() -> None:
    for make in (curves.roc_figure, curves.pr_figure):
        fig = make(np.ones(5), np.linspace(0, 1, 5), label="hate", threshold=0.5).to_dict()
        assert fig["data"] == []
        assert "both positive and negative" in fig["layout"]["annotations"][0]["text"]


@pytest.fixture
def labelled() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    truth = (rng.random(3_000) < 0.3).astype(float)
    scores = np.clip(0.4 * truth + 0.6 * rng.random(3_000), 0, 1)
    truth[:50] = np.nan
    return truth, scores


def test_roc_curves_mark_each_operating_point(labelled: tuple[np.ndarray, np.ndarray]) -> None:
    truth, scores = labelled
    series = CurveSeries("v2", truth, scores, {"current": 0.5, "chosen": 0.3})
    fig = roc_curves([series], label="toxic").to_dict()
    chance, curve, current, chosen = fig["data"]
    assert chance["name"] == "chance"
    known = ~np.isnan(truth)
    area = roc_auc_score(truth[known], scores[known])
    assert f"AUC {area:.3f}" in curve["name"]
    assert len(curve["x"]) <= 1_000
    negatives = known & (truth == 0)
    positives = known & (truth == 1)
    assert current["x"][0] == pytest.approx((scores[negatives] >= 0.5).mean())
    assert current["y"][0] == pytest.approx((scores[positives] >= 0.5).mean())
    assert chosen["y"][0] > current["y"][0]  # a lower threshold catches more
    assert current["name"] == "v2: current" and chosen["name"] == "v2: chosen"
    assert current["marker"]["symbol"] != chosen["marker"]["symbol"]


def test_curves_compare_two_models(labelled: tuple[np.ndarray, np.ndarray]) -> None:
    truth, scores = labelled
    better = np.clip(scores + 0.3 * np.nan_to_num(truth), 0, 1)
    series = [
        CurveSeries("v1", truth, scores, {"threshold": 0.5}),
        CurveSeries("v2", truth, better, {"threshold": 0.6}),
    ]
    roc = roc_curves(series, label="toxic").to_dict()
    lines = [t for t in roc["data"] if t["mode"] == "lines" and t["name"] != "chance"]
    assert [t["name"].split(" ")[0] for t in lines] == ["v1", "v2"]
    assert lines[0]["line"]["color"] != lines[1]["line"]["color"]
    assert "v1" in roc["layout"]["title"]["text"] and "v2" in roc["layout"]["title"]["text"]
    pr = pr_curves(series, label="toxic").to_dict()
    points = [t for t in pr["data"] if t["mode"] == "markers"]
    assert [p["name"] for p in points] == ["v1: threshold", "v2: threshold"]
    assert [p["marker"]["color"] for p in points] == [lines[0]["line"]["color"], lines[1]["line"]["color"]]
    known = ~np.isnan(truth)
    flagged = known & (better >= 0.6)
    assert points[1]["y"][0] == pytest.approx(truth[flagged].mean())  # precision of v2 at its threshold
    assert pr["layout"]["xaxis"]["title"]["text"] == "recall"


def test_curves_with_one_class_say_so_and_escape_names() -> None:
    truth = np.array([1.0, 1.0, np.nan])
    fig = roc_curves([CurveSeries("<b>v1</b>", truth, np.array([0.2, 0.4, 0.5]))], label="<i>toxic</i>").to_dict()
    assert any("both positive and negative" in a["text"] for a in fig["layout"]["annotations"])
    assert "<i>" not in fig["layout"]["title"]["text"]
    pr = pr_curves([CurveSeries("v1", truth, np.array([0.2, 0.4, 0.5]))], label="toxic").to_dict()
    assert pr["data"] == []


def test_precision_is_left_out_when_nothing_is_flagged(labelled: tuple[np.ndarray, np.ndarray]) -> None:
    truth, scores = labelled
    fig = pr_curves([CurveSeries("v1", truth, scores, {"flag nothing": 1.01})], label="toxic").to_dict()
    point = next(t for t in fig["data"] if t["mode"] == "markers")
    assert point["x"] == [0.0] and point["y"] == [None]
