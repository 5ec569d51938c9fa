"""Training variance: summarise runs with different seeds and choose the one to ship.

Two runs of one recipe differ by their random seed alone by about as much as many
recipe changes do. So a recipe is judged on the mean of several seeds, and the run
that ships is the best one by *validation* AUC (test splits never choose) only if
it is not a lucky outlier: when it lies more than one standard deviation above the
mean of the runs, the run closest to the mean ships instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np


def run_summary(clf: Any, seed: int, evaluation: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Figures of one run: best validation AUC (what chooses) and held-out test AUCs (reported only)."""
    history = getattr(clf, "history_", [])
    val = [h["val_auc"] for h in history if h.get("val_auc") is not None and not math.isnan(h["val_auc"])]
    test_means: dict[str, list[float]] = {}
    for row in evaluation:
        if row.get("roc_auc") is not None and not math.isnan(row["roc_auc"]):
            test_means.setdefault(row["label"], []).append(row["roc_auc"])
    jigsaw = [r["roc_auc"] for r in evaluation if r["dataset"] == "jigsaw" and r["label"] == "toxic"]
    return {
        "seed": int(seed),
        "validation_auc": max(val) if val else math.nan,
        "epochs": len(history),
        "test_mean_roc_auc": {label: float(np.mean(values)) for label, values in test_means.items()},
        "jigsaw_toxic_roc_auc": float(jigsaw[0]) if jigsaw else math.nan,
    }


def choose_run(summaries: Sequence[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    """Index of the run to ship and a report (mean, standard deviation, rule applied, every run).

    The best validation AUC wins unless it exceeds ``mean + sd`` (sample standard
    deviation over the runs); then the run nearest the mean is kept.
    """
    scores = np.array([s["validation_auc"] for s in summaries], dtype=float)
    if not np.isfinite(scores).any():  # no run has a validation AUC (one class only): nothing to choose by
        return 0, {
            "validation_auc_mean": math.nan,
            "validation_auc_sd": math.nan,
            "chosen_seed": summaries[0]["seed"],
            "rule": "no run has a validation AUC (the validation posts hold one class only); kept the first seed",
            "runs": list(summaries),
        }
    mean = float(np.nanmean(scores))
    sd = float(np.nanstd(scores, ddof=1)) if np.isfinite(scores).sum() > 1 else 0.0
    best = int(np.nanargmax(scores))
    if scores[best] <= mean + sd + 1e-12:
        chosen, rule = best, "best validation AUC, within one standard deviation of the mean"
    else:
        chosen = int(np.nanargmin(np.abs(scores - mean)))
        rule = "best run was more than one standard deviation above the mean; kept the run nearest the mean"
    return chosen, {
        "validation_auc_mean": mean,
        "validation_auc_sd": sd,
        "chosen_seed": summaries[chosen]["seed"],
        "rule": rule,
        "runs": list(summaries),
    }
