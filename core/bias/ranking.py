"""Rank-based (Mann-Whitney) AUC that works on many weight vectors at once.

A bootstrap resample is a vector of multiplicities (how often each row was
drawn), so the AUC of every resample can be computed from one sort of the
scores: cumulative sums of negative weights in score order give, for each
positive, the weight of negatives below it (ties count one half).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from core.errors import InputError

__all__ = ["auc", "below_weight", "tie_blocks"]


def tie_blocks(sorted_scores: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of the run of equal scores that each position belongs to.

    Parameters
    ----------
    sorted_scores : array-like, shape (n,)
        Scores in ascending order.

    Returns
    -------
    start, end : ndarray of int, shape (n,)
        For position ``i``, ``start[i]`` is the first position with the same
        score and ``end[i]`` one past the last, so that a cumulative sum ``cs``
        with a leading zero gives the weight strictly below as ``cs[start]``
        and up to the end of the tie as ``cs[end]``.

    """
    s = np.asarray(sorted_scores)
    n = s.shape[0]
    if n == 0:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty
    change = np.flatnonzero(s[1:] != s[:-1]) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [n]))
    step = np.zeros(n, dtype=np.intp)
    step[change] = 1
    block = np.cumsum(step)
    return starts[block], ends[block]


def below_weight(weights: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Weight strictly below each position plus half the weight tied with it.

    Parameters
    ----------
    weights : ndarray, shape (B, n)
        One weight vector per row (e.g. negatives' bootstrap counts), in
        ascending score order.
    start, end : ndarray of int, shape (n,)
        Tie bounds from :func:`tie_blocks`.

    Returns
    -------
    ndarray, shape (B, n)

    """
    b, n = weights.shape
    cs = np.zeros((b, n + 1), dtype=np.float64)
    np.cumsum(weights, axis=1, out=cs[:, 1:])
    return 0.5 * (cs[:, start] + cs[:, end])


def auc(
    y_true: npt.ArrayLike,
    y_score: npt.ArrayLike,
    sample_weight: npt.ArrayLike | None = None,
) -> float | np.ndarray:
    """ROC AUC via ranks, for one weight vector or a matrix of them.

    Equals :func:`sklearn.metrics.roc_auc_score` (ties count one half) but
    returns NaN instead of raising when a class is missing, and accepts
    ``sample_weight`` of shape (B, n) to get B AUCs from one sort.

    Parameters
    ----------
    y_true : array-like of {0, 1}, shape (n,)
        True labels.
    y_score : array-like, shape (n,)
        Scores; higher means more likely positive.
    sample_weight : array-like, shape (n,) or (B, n), optional
        Weight of each row, or one weight vector per bootstrap resample.

    Returns
    -------
    float or ndarray of shape (B,)

    """
    y = np.asarray(y_true, dtype=bool)
    s = np.asarray(y_score, dtype=np.float64)
    if y.shape != s.shape or y.ndim != 1:
        raise InputError("Labels and scores must be two lists of the same length, one value per post.")
    w = np.ones(s.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
    single = w.ndim == 1
    w = np.atleast_2d(w)
    if w.shape[1] != s.shape[0]:
        raise InputError("sample_weight must have one column per score.")
    order = np.argsort(s, kind="stable")
    start, end = tie_blocks(s[order])
    w, y = w[:, order], y[order]
    wp, wn = w * y, w * ~y
    pairs = (wp * below_weight(wn, start, end)).sum(axis=1)
    denom = wp.sum(axis=1) * wn.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(denom > 0, pairs / np.where(denom > 0, denom, 1.0), np.nan)
    return float(out[0]) if single else out
