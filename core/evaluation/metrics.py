"""Classification metrics at a threshold, shared by the CLI, the model card and the dashboard."""

from __future__ import annotations

import math

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score, roc_auc_score


def evaluate_scores(y_true: np.ndarray, y_score: np.ndarray, *, threshold: float) -> dict[str, float]:
    """n, positives, ROC AUC, PR AUC and precision / recall / F1 at ``threshold``.

    Rows with a missing label (NaN) are left out. AUCs are NaN when only one
    class is present, so a small or one-sided file never crashes.
    """
    y_true = np.asarray(y_true, dtype=float)
    y_score = np.asarray(y_score, dtype=float)
    known = ~np.isnan(y_true)
    truth, score = y_true[known].astype(int), y_score[known]
    flags = (score >= threshold).astype(int)
    both = len(np.unique(truth)) == 2
    result = {
        "n": int(known.sum()),
        "positives": int(truth.sum()),
        "threshold": float(threshold),
        "roc_auc": float(roc_auc_score(truth, score)) if both else math.nan,
        "pr_auc": float(average_precision_score(truth, score)) if both else math.nan,
        "precision": float(precision_score(truth, flags, zero_division=0)) if len(truth) else math.nan,
        "recall": float(recall_score(truth, flags, zero_division=0)) if truth.sum() else math.nan,
        "f1": float(f1_score(truth, flags, zero_division=0)) if len(truth) else math.nan,
        "macro_f1": float(f1_score(truth, flags, average="macro", zero_division=0)) if both else math.nan,
        "flagged": int(flags.sum()),
    }
    return result
