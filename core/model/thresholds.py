"""Flag thresholds chosen on held-out data when a classifier is fitted.

Each label gets the score cut with the best F1 on the calibration rows: one
number per label that the dashboard and the CLI use to turn a score into a flag.
"""

from __future__ import annotations

import math

import numpy as np


def best_f1_thresholds(
    labels: list[str], y_val: np.ndarray, scores: np.ndarray
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Per label, the threshold with the best F1 on validation data, and that data's metrics.

    A label whose known validation rows hold one class only gets 0.5 and NaN
    metrics (with ``n``): F1 and ROC AUC are undefined there, and a crash would
    lose the whole training run.
    """
    thresholds: dict[str, float] = {}
    metrics: dict[str, dict[str, float]] = {}
    for j, label in enumerate(labels):
        known = ~np.isnan(y_val[:, j])
        truth, score = y_val[known, j], scores[known, j]
        if len(np.unique(truth)) < 2:
            thresholds[label] = 0.5
            metrics[label] = {"n": int(known.sum()), "roc_auc": math.nan, "f1": math.nan}
            continue
        from sklearn.metrics import precision_recall_curve, roc_auc_score  # training only: keeps scoring start-up lean

        precision, recall, cut = precision_recall_curve(truth, score)
        f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
        best = int(np.argmax(f1[:-1]))
        thresholds[label] = round(float(cut[best]), 4)
        metrics[label] = {
            "n": int(known.sum()),
            "roc_auc": float(roc_auc_score(truth, score)),
            "f1": float(f1[best]),
        }
    return thresholds, metrics
