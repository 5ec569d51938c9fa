"""Metrics at a threshold: counted by the one operating-point function, equal to scikit-learn's."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score

from core.evaluation.metrics import evaluate_scores


@pytest.mark.parametrize("seed", range(40))
def test_precision_recall_f1_equal_scikit_learn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 25))
    truth = rng.integers(0, 2, n).astype(float)
    truth[rng.random(n) < 0.2] = np.nan
    scores = rng.random(n).round(2)
    threshold = float(rng.choice([0.0, 0.3, 0.5, 1.0]))
    metrics = evaluate_scores(truth, scores, threshold=threshold)
    known = ~np.isnan(truth)
    y, flags = truth[known].astype(int), (scores[known] >= threshold).astype(int)
    if not len(y):
        assert metrics["n"] == 0 and math.isnan(metrics["precision"]) and math.isnan(metrics["f1"])
        return
    assert metrics["precision"] == precision_score(y, flags, zero_division=0)
    assert metrics["f1"] == f1_score(y, flags, zero_division=0)
    assert metrics["flagged"] == int(flags.sum())
    if y.sum():
        assert metrics["recall"] == recall_score(y, flags, zero_division=0)
    else:
        assert math.isnan(metrics["recall"])
    if len(np.unique(y)) == 2:
        assert metrics["macro_f1"] == f1_score(y, flags, average="macro", zero_division=0)
    else:
        assert math.isnan(metrics["macro_f1"])


def test_nothing_flagged_gives_zero_precision_not_nan() -> None:
    metrics = evaluate_scores(np.array([1.0, 0.0, 1.0]), np.array([0.1, 0.2, 0.3]), threshold=0.9)
    assert metrics["flagged"] == 0 and metrics["precision"] == 0.0 and metrics["f1"] == 0.0
    assert metrics["recall"] == 0.0 and metrics["macro_f1"] == pytest.approx(0.25)
