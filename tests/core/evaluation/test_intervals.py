from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from core.evaluation.intervals import (
    MIN_TEST_PER_CLASS,
    auc_interval,
    auc_standard_error,
    held_out_summary,
    wilson_interval,
)


def test_hanley_mcneil_standard_error() -> None:
    # AUC 0.9, 50 and 50: Q1 = 0.9 / 1.1, Q2 = 2 * 0.81 / 1.9; by hand SE = sqrt(2.5798 / 2500) = 0.0321
    assert auc_standard_error(0.9, 50, 50) == pytest.approx(0.0321, abs=2e-4)


def test_the_interval_narrows_with_more_posts_and_is_never_certain_at_auc_1() -> None:
    low_small, high_small = auc_interval(0.9, 10, 10)
    low_big, high_big = auc_interval(0.9, 1000, 1000)
    assert high_small - low_small > 3 * (high_big - low_big)
    low, high = auc_interval(1.0, 5, 5)  # a "test AUC 1.000" on 10 posts
    assert high == 1.0 and low < 0.7
    assert all(math.isnan(v) for v in auc_interval(0.8, 0, 10))


def test_the_auc_interval_covers_the_truth_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(0)
    covered, trials = 0, 400
    true_auc = 0.8  # two normals 1.19 apart: AUC = Phi(1.19 / sqrt 2) = 0.80
    for _ in range(trials):
        pos, neg = rng.normal(1.19, 1, 60), rng.normal(0, 1, 60)
        auc = roc_auc_score(np.r_[np.ones(60), np.zeros(60)], np.r_[pos, neg])
        low, high = auc_interval(auc, 60, 60)
        covered += low <= true_auc <= high
    assert 0.9 <= covered / trials <= 0.99


def test_wilson_interval() -> None:
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and 0.25 < high < 0.35  # 0 of 10 is not "never"
    assert wilson_interval(50, 100) == pytest.approx((0.404, 0.596), abs=1e-3)
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


def test_held_out_summary_pools_datasets_and_flags_small_splits() -> None:
    evaluation = [
        {"dataset": "a", "label": "toxic", "n": 1000, "positives": 300, "roc_auc": 0.90},
        {"dataset": "b", "label": "toxic", "n": 500, "positives": 100, "roc_auc": 0.80},
        {"dataset": "mine", "label": "hate", "n": 40, "positives": 6, "roc_auc": 1.0},
    ]
    table = held_out_summary(evaluation, ["toxic", "hate", "insult"]).set_index("label")
    assert table.loc["toxic", "roc_auc"] == pytest.approx(0.85)  # the headline: mean over datasets
    assert table.loc["toxic", "n"] == 1500 and table.loc["toxic", "positives"] == 400
    assert table.loc["toxic", "low"] < 0.85 < table.loc["toxic", "high"]
    assert not table.loc["toxic", "too_small"]
    assert table.loc["hate", "too_small"] and table.loc["hate", "low"] < 0.9
    assert f"only 6 positive test post(s) for hate (at least {MIN_TEST_PER_CLASS}" in table.loc["hate", "reason"]
    assert table.loc["insult", "too_small"] and math.isnan(table.loc["insult", "roc_auc"])
    assert table.loc["insult", "n"] == 0


def test_a_perfect_auc_on_several_datasets_is_not_certain() -> None:
    perfect = {"label": "toxic", "n": 1_060, "positives": 60, "roc_auc": 1.0}
    pooled = held_out_summary([perfect, perfect], ["toxic"]).iloc[0]
    single_low, _ = auc_interval(1.0, 60, 1_000)
    assert pooled["high"] == 1.0 and single_low < pooled["low"] < 1.0  # two datasets: narrower than one, not zero


@pytest.mark.parametrize(
    "record",
    [
        {"label": "toxic", "n": 10, "positives": 12, "roc_auc": 0.8},  # more positives than posts
        {"label": "toxic", "n": 10, "positives": 0, "roc_auc": 0.8},  # one class: no AUC
        {"label": "toxic", "n": 10, "positives": 10, "roc_auc": 0.8},
        {"label": "toxic", "n": 10, "positives": 4, "roc_auc": 1.7},  # not an AUC
        {"label": "toxic", "n": float("inf"), "positives": 4, "roc_auc": 0.8},
    ],
)
def test_impossible_evaluation_records_are_not_used(record: dict[str, object]) -> None:
    row = held_out_summary([record], ["toxic"]).iloc[0]
    assert math.isnan(row["roc_auc"]) and row["too_small"] and row["datasets"] == 0
    assert row["reason"] == "no held-out test split with both classes for toxic"
    assert row["negatives"] >= 0
