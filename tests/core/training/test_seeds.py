"""Choosing the run to ship among seeds."""

from __future__ import annotations

import pytest

from core.training.seeds import choose_run, run_summary


def _runs(*aucs: float) -> list[dict]:
    return [{"seed": i, "validation_auc": auc} for i, auc in enumerate(aucs)]


def test_best_run_within_the_spread_is_kept() -> None:
    chosen, report = choose_run(_runs(0.80, 0.81, 0.805))
    assert chosen == 1 and report["chosen_seed"] == 1
    assert abs(report["validation_auc_mean"] - 0.805) < 1e-9 and report["validation_auc_sd"] > 0


def test_a_lucky_outlier_is_not_shipped() -> None:
    chosen, report = choose_run(_runs(0.800, 0.801, 0.8005, 0.7995, 0.840))
    assert chosen != 4
    assert "nearest the mean" in report["rule"]


def test_run_summary_uses_validation_and_reports_test() -> None:
    class Fitted:
        def __init__(self) -> None:
            self.history_ = [{"val_auc": 0.7}, {"val_auc": 0.75}, {"val_auc": float("nan")}]

    evaluation = [
        {"dataset": "jigsaw", "label": "toxic", "roc_auc": 0.9},
        {"dataset": "olid", "label": "toxic", "roc_auc": 0.8},
        {"dataset": "olid", "label": "hate", "roc_auc": float("nan")},
    ]
    summary = run_summary(Fitted(), 21, evaluation)
    assert summary["validation_auc"] == 0.75 and summary["epochs"] == 3
    assert summary["test_mean_roc_auc"] == {"toxic": pytest.approx(0.85)} and summary["jigsaw_toxic_roc_auc"] == 0.9
