"""Threshold selection by target precision, target recall and cost, on hand-worked cases.

The main case, sorted by score (flag when score >= threshold)::

    score  label   tp fp fn tn  precision  recall
    0.9    1        1  0  2  2  1          1/3
    0.8    1        2  0  1  2  1          2/3
    0.6    0        2  1  1  1  2/3        2/3
    0.4    1        3  1  0  1  3/4        1
    0.1    0        3  2  0  0  3/5        1
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import precision_score, recall_score

from core.errors import ModLensError
from core.evaluation.thresholds import (
    OperatingPoint,
    operating_point_at,
    threshold_for_cost,
    threshold_for_precision,
    threshold_for_recall,
)

Y = [0, 1, 1, 0, 1]
S = [0.1, 0.4, 0.8, 0.6, 0.9]


@pytest.mark.parametrize(
    ("target", "threshold", "precision", "recall"),
    [
        (1.0, 0.8, 1.0, 2 / 3),  # 0.9 and 0.8 reach 1.0; 0.8 has the higher recall
        (0.8, 0.8, 1.0, 2 / 3),  # 0.4 gives 0.75 < 0.8
        (0.75, 0.4, 0.75, 1.0),  # exactly reached
        (0.7, 0.4, 0.75, 1.0),
        (0.5, 0.4, 0.75, 1.0),  # 0.1 has recall 1 too, but lower precision
    ],
)
def test_threshold_for_precision(target: float, threshold: float, precision: float, recall: float) -> None:
    point = threshold_for_precision(Y, S, target)
    assert point.threshold == pytest.approx(threshold)
    assert point.precision == pytest.approx(precision)
    assert point.recall == pytest.approx(recall)


@pytest.mark.parametrize(
    ("target", "threshold", "precision", "recall"),
    [
        (0.2, 0.9, 1.0, 1 / 3),  # 0.9 and 0.8 both have precision 1: the higher threshold flags fewer posts
        (0.5, 0.8, 1.0, 2 / 3),
        (2 / 3, 0.8, 1.0, 2 / 3),
        (0.9, 0.4, 0.75, 1.0),  # 0.4 and 0.1 reach recall 1; 0.4 is more precise
        (1.0, 0.4, 0.75, 1.0),
    ],
)
def test_threshold_for_recall(target: float, threshold: float, precision: float, recall: float) -> None:
    point = threshold_for_recall(Y, S, target)
    assert point.threshold == pytest.approx(threshold)
    assert point.precision == pytest.approx(precision)
    assert point.recall == pytest.approx(recall)


@pytest.mark.parametrize(
    ("fp_cost", "fn_cost", "threshold", "cost"),
    [
        (1, 1, 0.8, 1),  # 0.8 (one miss) and 0.4 (one false alarm) tie at 1: the higher threshold wins
        (1, 3, 0.4, 1),  # misses are dear: flag down to 0.4 (cost 1 vs 3 at 0.8)
        (10, 1, 0.8, 1),  # false alarms are dear: 0.8 (cost 1) beats flagging nothing (cost 3)
        (0, 1, 0.4, 0),  # only misses cost: the highest threshold with no miss
    ],
)
def test_threshold_for_cost(fp_cost: float, fn_cost: float, threshold: float, cost: float) -> None:
    point = threshold_for_cost(Y, S, fp_cost, fn_cost)
    assert point.threshold == pytest.approx(threshold)
    assert point.cost(fp_cost, fn_cost) == pytest.approx(cost)


def test_cost_can_choose_to_flag_nothing() -> None:
    point = threshold_for_cost(Y, S, fp_cost=1, fn_cost=0)
    assert point == OperatingPoint(threshold=1.0, precision=point.precision, recall=0.0, tp=0, fp=0, fn=3, tn=2)
    assert math.isnan(point.precision)
    assert point.flagged == 0


def test_cost_never_flags_nothing_above_one() -> None:
    # the top score is 1.0, so no threshold in [0, 1] flags nothing: the best real threshold is returned
    # (flagging nothing would cost 1); at 1.0: 1 FP + 1 miss = 6, at 0.9: 1 FP = 5
    point = threshold_for_cost([0, 1], [1.0, 0.9], fp_cost=5, fn_cost=1)
    assert point.threshold == pytest.approx(0.9)
    assert (point.tp, point.fp, point.fn) == (1, 1, 0)


def test_operating_point_counts_and_rates() -> None:
    point = threshold_for_precision(Y, S, 0.75)
    assert (point.tp, point.fp, point.fn, point.tn) == (3, 1, 0, 1)
    assert point.flagged == 4
    assert point.false_positive_rate == pytest.approx(0.5)


def test_operating_point_at_a_given_threshold() -> None:
    point = operating_point_at(Y, S, 0.5)
    assert (point.tp, point.fp, point.fn, point.tn) == (2, 1, 1, 1)
    assert point.precision == pytest.approx(2 / 3)
    assert point.recall == pytest.approx(2 / 3)
    assert math.isnan(operating_point_at(Y, S, 0.95).precision)


def test_operating_point_for_figures_counts_known_rows_without_raising() -> None:
    point = operating_point_at(
        np.array([1, 1, 0, 0, np.nan]), np.array([0.9, 0.2, 0.7, 0.1, 0.99]), 0.5, require_both_classes=False
    )
    assert (point.tp, point.fn, point.fp, point.tn) == (1, 1, 1, 1)
    assert point.recall == 0.5 and point.false_positive_rate == 0.5 and point.precision == 0.5
    one_class = operating_point_at(np.array([1.0]), np.array([0.1]), 0.5, require_both_classes=False)
    assert math.isnan(one_class.precision) and math.isnan(one_class.false_positive_rate)
    assert math.isnan(operating_point_at([0.0], [0.9], 0.5, require_both_classes=False).recall)


def test_tied_scores_are_one_candidate() -> None:
    # sorted: 0.9 (1), 0.5 (0), 0.5 (1), 0.2 (0); at 0.5 both tied posts are flagged together
    point = threshold_for_precision([0, 1, 1, 0], [0.5, 0.5, 0.9, 0.2], 0.6)
    assert point.threshold == 0.5
    assert (point.tp, point.fp) == (2, 1)
    assert point.precision == pytest.approx(2 / 3)


def test_nan_labels_are_ignored() -> None:
    y = [np.nan, *Y, np.nan]
    s = [0.95, *S, 0.05]
    for target in (1.0, 0.75):
        assert threshold_for_precision(y, s, target) == threshold_for_precision(Y, S, target)
    assert threshold_for_recall(y, s, 0.9) == threshold_for_recall(Y, S, 0.9)
    assert threshold_for_cost(y, s, 1, 3) == threshold_for_cost(Y, S, 1, 3)


def test_unreachable_precision_says_what_is_reachable() -> None:
    # precision: 0.9 -> 0, 0.8 -> 0, 0.2 -> 1/3, 0.1 -> 1/2
    with pytest.raises(ModLensError, match=r"No threshold reaches precision 0\.600.*highest is 0\.500"):
        threshold_for_precision([1, 0, 0, 1], [0.2, 0.9, 0.8, 0.1], 0.6)


@pytest.mark.parametrize(
    ("y", "missing"),
    [([1, 1, np.nan], "negative"), ([0, 0, 0], "positive"), ([np.nan, np.nan], "positive")],
)
def test_a_missing_class_is_a_clear_error(y: list[float], missing: str) -> None:
    scores = np.linspace(0.1, 0.9, len(y))
    for choose in (
        lambda: threshold_for_precision(y, scores, 0.5),
        lambda: threshold_for_recall(y, scores, 0.5),
        lambda: threshold_for_cost(y, scores, 1, 1),
        lambda: operating_point_at(y, scores, 0.5),
    ):
        with pytest.raises(ModLensError, match=f"no {missing} example"):
            choose()


@pytest.mark.parametrize("target", [0.0, -0.1, 1.01, math.nan])
def test_targets_outside_zero_one_are_refused(target: float) -> None:
    with pytest.raises(ModLensError, match="target precision"):
        threshold_for_precision(Y, S, target)
    with pytest.raises(ModLensError, match="target recall"):
        threshold_for_recall(Y, S, target)


@pytest.mark.parametrize(("fp_cost", "fn_cost"), [(-1, 1), (1, math.inf), (0, 0)])
def test_bad_costs_are_refused(fp_cost: float, fn_cost: float) -> None:
    with pytest.raises(ModLensError, match=r"(?i)cost"):
        threshold_for_cost(Y, S, fp_cost, fn_cost)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ModLensError, match="5 labels but 4 scores"):
        threshold_for_recall(Y, S[:4], 0.5)
    with pytest.raises(ModLensError, match="0, 1 or NaN"):
        threshold_for_recall([0, 0.5, 1], [0.1, 0.2, 0.3], 0.5)
    with pytest.raises(ModLensError, match="not finite"):
        threshold_for_recall([0, 1, 1], [0.1, np.nan, 0.3], 0.5)


def test_agrees_with_sklearn_on_random_data() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 400)
    s = np.round(np.clip(y * 0.3 + rng.normal(0.4, 0.2, 400), 0, 1), 2)  # rounded: many ties
    for point in (
        threshold_for_precision(y, s, 0.8),
        threshold_for_recall(y, s, 0.8),
        threshold_for_cost(y, s, 1, 2),
    ):
        flags = s >= point.threshold
        assert point.precision == pytest.approx(precision_score(y, flags))
        assert point.recall == pytest.approx(recall_score(y, flags))
    best = threshold_for_precision(y, s, 0.8)
    # no threshold with precision >= 0.8 has a higher recall
    for t in np.unique(s):
        flags = s >= t
        if flags.any() and precision_score(y, flags) >= 0.8:
            assert recall_score(y, flags) <= best.recall + 1e-12
    cheapest = threshold_for_cost(y, s, 1, 2)
    for t in np.unique(s):
        flags = s >= t
        assert cheapest.cost(1, 2) <= (flags & (y == 0)).sum() + 2 * (~flags & (y == 1)).sum()
