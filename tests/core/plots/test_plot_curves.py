"""Model page figures, checked on ``fig.to_dict()``: training curves, ROC / PR curves with operating points."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from core.plots.curves import CurveSeries, pr_curves, roc_curves, training_figure


def _events(run: int = 0, epochs: int = 3, batches: int = 40) -> list[dict]:
    events = []
    for epoch in range(1, epochs + 1):
        for batch in (20, 40):
            events.append(
                {
                    "run": run,
                    "phase": "batch",
                    "epoch": epoch,
                    "epochs": epochs,
                    "batch": batch,
                    "batches": batches,
                    "loss": 1.0 / (epoch + batch / 40),
                    "val_auc": math.nan,
                }
            )
        events.append(
            {
                "run": run,
                "phase": "epoch",
                "epoch": epoch,
                "epochs": epochs,
                "batch": batches,
                "batches": batches,
                "loss": 1.0 / (epoch + 1),
                "val_auc": 0.6 + 0.1 * epoch,
            }
        )
    return events


def test_training_figure_plots_loss_per_report_and_auc_per_epoch() -> None:
    fig = training_figure(_events()).to_dict()
    loss, val = fig["data"]
    assert loss["x"] == pytest.approx([0.5, 1.0, 1.5, 2.0, 2.5, 3.0])  # fractional epochs of the batch reports
    assert loss["y"][0] == pytest.approx(1 / 1.5)
    assert val["x"] == [1, 2, 3]
    assert val["y"] == pytest.approx([0.7, 0.8, 0.9])
    assert loss["xaxis"] == "x" and val["xaxis"] == "x2"  # side by side
    assert fig["layout"]["xaxis"]["range"][1] == pytest.approx(3.05)  # all 3 epochs
    early = training_figure([e for e in _events(epochs=200) if e["epoch"] <= 2]).to_dict()
    assert early["layout"]["xaxis"]["range"][1] == pytest.approx(3.05)  # epochs so far and the next, not all 200
    assert early["layout"]["xaxis2"]["range"] == pytest.approx([0.5, 3.5])


def test_training_figure_before_the_first_epoch_and_while_empty() -> None:
    first = [e for e in _events() if e["phase"] == "batch"][:1]
    fig = training_figure(first).to_dict()
    assert fig["data"][0]["y"] == pytest.approx([1 / 1.5])
    assert fig["data"][1]["x"] == []  # no validation AUC yet
    assert training_figure([]).to_dict()["data"] == []


def test_training_figure_has_one_pair_of_curves_per_run() -> None:
    fig = training_figure(_events(0) + _events(1)).to_dict()
    names = [t["name"] for t in fig["data"]]
    assert names == ["run 1: loss", "run 1: validation AUC", "run 2: loss", "run 2: validation AUC"]
    assert fig["data"][0]["line"]["color"] != fig["data"][2]["line"]["color"]


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
