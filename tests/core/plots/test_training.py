"""Training curves, checked on ``fig.to_dict()``: loss per report, validation AUC per epoch, one pair per run."""

from __future__ import annotations

import math

import pytest

from core.plots.training import training_figure


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
