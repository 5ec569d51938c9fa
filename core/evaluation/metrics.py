"""Classification metrics at a threshold, shared by the CLI, the model card and the dashboard."""

from __future__ import annotations

import math

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from core.evaluation.thresholds import operating_point_at

__all__ = ["evaluate_scores"]


def _f1(hits: int, false_alarms: int, misses: int) -> float:
    """F1 of one class from its confusion counts; 0 when the class is neither labelled nor predicted."""
    denominator = 2 * hits + false_alarms + misses
    return 2 * hits / denominator if denominator else 0.0


def evaluate_scores(y_true: np.ndarray, y_score: np.ndarray, *, threshold: float) -> dict[str, float]:
    """n, positives, ROC AUC, PR AUC and precision / recall / F1 at ``threshold``.

    Rows with a missing label (NaN) are left out. AUCs are NaN when only one
    class is present, so a small or one-sided file never crashes. The counts come
    from :func:`core.evaluation.thresholds.operating_point_at`; precision and F1
    are 0 where nothing is flagged (scikit-learn's ``zero_division=0``).
    """
    y_true = np.asarray(y_true, dtype=float)
    y_score = np.asarray(y_score, dtype=float)
    known = ~np.isnan(y_true)
    truth, score = y_true[known].astype(int), y_score[known]
    point = operating_point_at(y_true, y_score, threshold, require_both_classes=False)
    n = int(known.sum())
    both = len(np.unique(truth)) == 2
    precision = 0.0 if math.isnan(point.precision) else point.precision
    result = {
        "n": n,
        "positives": int(truth.sum()),
        "threshold": float(threshold),
        "roc_auc": float(roc_auc_score(truth, score)) if both else math.nan,
        "pr_auc": float(average_precision_score(truth, score)) if both else math.nan,
        "precision": float(precision) if n else math.nan,
        "recall": float(point.recall) if truth.sum() else math.nan,
        "f1": _f1(point.tp, point.fp, point.fn) if n else math.nan,
        "macro_f1": (_f1(point.tp, point.fp, point.fn) + _f1(point.tn, point.fn, point.fp)) / 2 if both else math.nan,
        "flagged": int((score >= threshold).sum()),
    }
    return result
