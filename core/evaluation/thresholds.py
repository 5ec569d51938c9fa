"""Choose a label's decision threshold on labelled data: by target precision, target recall or cost.

A post is flagged when its score is at or above the threshold (as everywhere in
ModLens). Candidate thresholds are the distinct scores of the labelled posts, so
every returned threshold is a score seen in the data and the precision and recall
reported with it are exactly what that data gives. Rows whose label is NaN
(unknown) are ignored.

>>> point = threshold_for_precision([0, 1, 1, 0, 1], [0.1, 0.4, 0.8, 0.6, 0.9], 0.75)
>>> point.threshold, point.precision, point.recall
(0.4, 0.75, 1.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core.errors import ModLensError

__all__ = [
    "OperatingPoint",
    "operating_point_at",
    "threshold_for_cost",
    "threshold_for_precision",
    "threshold_for_recall",
]


@dataclass(frozen=True)
class OperatingPoint:
    """A threshold and what it gives on the labelled posts it was chosen on.

    Attributes
    ----------
    threshold : float
        Posts scoring at or above it are flagged.
    precision : float
        Share of flagged posts that are labelled positive (NaN when nothing is flagged).
    recall : float
        Share of positive posts that are flagged.
    tp, fp, fn, tn : int
        Confusion counts at the threshold.

    """

    threshold: float
    precision: float
    recall: float
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def flagged(self) -> int:
        """Posts flagged at the threshold."""
        return self.tp + self.fp

    @property
    def false_positive_rate(self) -> float:
        """Share of negative posts that are flagged (NaN without negatives)."""
        negatives = self.fp + self.tn
        return self.fp / negatives if negatives else math.nan

    def cost(self, fp_cost: float, fn_cost: float) -> float:
        """Total cost ``fp_cost * FP + fn_cost * FN`` at this threshold."""
        return fp_cost * self.fp + fn_cost * self.fn


@dataclass(frozen=True)
class _Curve:
    """Confusion counts at every candidate threshold (distinct scores, highest first)."""

    thresholds: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    positives: int
    negatives: int

    @property
    def precision(self) -> np.ndarray:
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> np.ndarray:
        return self.tp / self.positives

    def point(self, i: int) -> OperatingPoint:
        tp, fp = int(self.tp[i]), int(self.fp[i])
        return OperatingPoint(
            threshold=float(self.thresholds[i]),
            precision=tp / (tp + fp) if tp + fp else math.nan,
            recall=tp / self.positives,
            tp=tp,
            fp=fp,
            fn=self.positives - tp,
            tn=self.negatives - fp,
        )


def _labelled(y_true: npt.ArrayLike, y_score: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Labels (0/1) and scores of the rows with a known label; raises for bad or one-class data."""
    truth = np.asarray(y_true, dtype=float).ravel()
    scores = np.asarray(y_score, dtype=float).ravel()
    if truth.shape != scores.shape:
        raise ModLensError(f"Got {len(truth)} labels but {len(scores)} scores; give one score per labelled post.")
    known = ~np.isnan(truth)
    truth, scores = truth[known], scores[known]
    if not np.isin(truth, (0.0, 1.0)).all():
        raise ModLensError("Labels must be 0, 1 or NaN (unknown) to choose a threshold.")
    if not np.isfinite(scores).all():
        raise ModLensError("Some scores are missing or not finite; score every labelled post first.")
    positives = int(truth.sum())
    if positives == 0 or positives == len(truth):
        missing = "positive" if positives == 0 else "negative"
        raise ModLensError(
            f"The labelled posts have no {missing} example ({len(truth)} labelled posts). "
            "Choosing a threshold needs posts labelled both positive and negative."
        )
    return truth.astype(int), scores


def _curve(y_true: npt.ArrayLike, y_score: npt.ArrayLike) -> _Curve:
    truth, scores = _labelled(y_true, y_score)
    order = np.argsort(-scores, kind="stable")
    scores, truth = scores[order], truth[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(scores)), len(scores) - 1]
    tp = np.cumsum(truth)[last_of_tie]
    fp = (last_of_tie + 1) - tp
    positives = int(truth.sum())
    return _Curve(scores[last_of_tie], tp, fp, positives, len(truth) - positives)


def _check_target(target: float, what: str) -> float:
    target = float(target)
    if not 0.0 < target <= 1.0:
        raise ModLensError(f"The target {what} must be above 0 and at most 1 (got {target:g}).")
    return target


def threshold_for_precision(y_true: npt.ArrayLike, y_score: npt.ArrayLike, target: float) -> OperatingPoint:
    """The threshold with the highest recall among those whose precision reaches ``target``.

    Among thresholds with the same recall, the one with the higher precision (then
    the higher threshold) wins.

    Parameters
    ----------
    y_true : array-like of {0, 1, NaN}
        Labels; NaN rows are ignored.
    y_score : array-like of float
        Scores of the same posts.
    target : float
        Wanted precision, in (0, 1].

    Returns
    -------
    OperatingPoint

    Raises
    ------
    ModLensError
        When a class is missing, or no threshold reaches the target (the message
        gives the highest precision that is reachable).

    """
    target = _check_target(target, "precision")
    curve = _curve(y_true, y_score)
    precision, recall = curve.precision, curve.recall
    feasible = np.flatnonzero(precision >= target - 1e-12)
    if not len(feasible):
        best = int(np.argmax(precision))
        raise ModLensError(
            f"No threshold reaches precision {target:.3f} on these posts: the highest is "
            f"{precision[best]:.3f} (threshold {curve.thresholds[best]:.3f}). Lower the target precision."
        )
    best = max(feasible, key=lambda i: (recall[i], precision[i], curve.thresholds[i]))
    return curve.point(int(best))


def threshold_for_recall(y_true: npt.ArrayLike, y_score: npt.ArrayLike, target: float) -> OperatingPoint:
    """The threshold with the highest precision among those whose recall reaches ``target``.

    Among thresholds with the same precision, the higher threshold (fewer posts
    flagged) wins.

    Parameters
    ----------
    y_true : array-like of {0, 1, NaN}
        Labels; NaN rows are ignored.
    y_score : array-like of float
        Scores of the same posts.
    target : float
        Wanted recall, in (0, 1]. Always reachable when both classes are present.

    Returns
    -------
    OperatingPoint

    Raises
    ------
    ModLensError
        When a class is missing or the target is outside (0, 1].

    """
    target = _check_target(target, "recall")
    curve = _curve(y_true, y_score)
    precision, recall = curve.precision, curve.recall
    feasible = np.flatnonzero(recall >= target - 1e-12)
    best = max(feasible, key=lambda i: (precision[i], curve.thresholds[i]))
    return curve.point(int(best))


def threshold_for_cost(y_true: npt.ArrayLike, y_score: npt.ArrayLike, fp_cost: float, fn_cost: float) -> OperatingPoint:
    """The threshold that minimises ``fp_cost * FP + fn_cost * FN`` on the labelled posts.

    Flagging nothing is a candidate too, as threshold 1.0, when every score is
    below 1.0 (thresholds stay in [0, 1]); its precision is NaN. Among thresholds with the
    same cost, the highest (fewest posts flagged) wins.

    Parameters
    ----------
    y_true : array-like of {0, 1, NaN}
        Labels; NaN rows are ignored.
    y_score : array-like of float
        Scores of the same posts.
    fp_cost : float
        Cost of flagging a harmless post (a false positive), >= 0.
    fn_cost : float
        Cost of missing a positive post (a false negative), >= 0.

    Returns
    -------
    OperatingPoint

    Raises
    ------
    ModLensError
        When a class is missing, or a cost is negative, not finite, or both are 0.

    """
    fp_cost, fn_cost = float(fp_cost), float(fn_cost)
    if not (math.isfinite(fp_cost) and math.isfinite(fn_cost)) or fp_cost < 0 or fn_cost < 0:
        raise ModLensError("Costs must be finite numbers of 0 or more.")
    if fp_cost == 0 and fn_cost == 0:
        raise ModLensError("At least one cost must be above 0: give the cost of a false positive and of a miss.")
    curve = _curve(y_true, y_score)
    costs = fp_cost * curve.fp + fn_cost * (curve.positives - curve.tp)
    best = int(np.flatnonzero(costs == costs.min())[0])  # thresholds are in decreasing order: the highest wins
    if curve.thresholds[0] < 1.0 and fn_cost * curve.positives <= costs[best]:
        return OperatingPoint(1.0, math.nan, 0.0, 0, 0, curve.positives, curve.negatives)
    return curve.point(best)


def operating_point_at(
    y_true: npt.ArrayLike, y_score: npt.ArrayLike, threshold: float, *, require_both_classes: bool = True
) -> OperatingPoint:
    """Precision, recall and confusion counts at a given ``threshold``: the one operating-point function.

    Rows whose label is NaN (unknown) are left out. Thresholds, metrics and figures
    all count flags here.

    Parameters
    ----------
    y_true : array-like of {0, 1, NaN}
        Labels.
    y_score : array-like of float
        Scores of the same posts.
    threshold : float
        Posts scoring at or above it are flagged.
    require_both_classes : bool
        True: check the labels and scores, and raise when a class is missing (choosing
        thresholds). False (figures, metrics): no checks; rates that are undefined on
        the data are NaN (recall without positives, precision when nothing is flagged).

    Raises
    ------
    ModLensError
        With ``require_both_classes``, when a class is missing or the labels or scores are bad.

    """
    if require_both_classes:
        truth, scores = _labelled(y_true, y_score)
    else:
        truth = np.asarray(y_true, dtype=float).ravel()
        scores = np.asarray(y_score, dtype=float).ravel()
        known = ~np.isnan(truth)
        truth, scores = truth[known].astype(int), scores[known]
    flags = scores >= threshold
    tp = int((flags & (truth == 1)).sum())
    fp = int((flags & (truth == 0)).sum())
    positives = int((truth == 1).sum())
    return OperatingPoint(
        threshold=float(threshold),
        precision=tp / (tp + fp) if tp + fp else math.nan,
        recall=tp / positives if positives else math.nan,
        tp=tp,
        fp=fp,
        fn=positives - tp,
        tn=int((truth == 0).sum()) - fp,
    )
