"""The figures a training run records: held-out metrics per dataset, headline numbers, before/after debiasing.

Pure functions of a fitted classifier (or its recorded evaluation) and the labelled
sets; :func:`core.training.pipeline.train` writes them into the model's metadata,
from which the model card, the Model page and the Home page read them.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from core.evaluation.metrics import evaluate_scores
from core.model.classifier import ToxicityClassifier
from core.training.datasets import PROTECTED, LabelledSet


def evaluate_sets(clf: ToxicityClassifier, sets: Sequence[LabelledSet], split: str = "test") -> list[dict[str, Any]]:
    """Metrics per dataset and label on one split (rows of a tidy table)."""
    rows = []
    for labelled in sets:
        part = labelled.frame[labelled.frame["split"] == split]
        if part.empty:
            continue
        scores = clf.predict_proba(part["text"].tolist())
        for j, label in enumerate(clf.labels_):
            if label not in part or part[label].dropna().nunique() < 2:  # unknown, or positives only (masked)
                continue
            metrics = evaluate_scores(part[label].to_numpy(float), scores[:, j], threshold=clf.thresholds_[label])
            rows.append({"dataset": labelled.name, "label": label, "split": split, **metrics})
    return rows


def debias_summary(clf: ToxicityClassifier, evaluation: list[dict[str, Any]], checks: dict[str, Any]) -> dict[str, Any]:
    """Numbers compared before and after debiasing: held-out AUC and the templated identity test."""
    table = pd.DataFrame(evaluation)
    template = checks.get("templated_identity", {})
    return {
        "mean_test_roc_auc": {label: float(rows["roc_auc"].mean()) for label, rows in table.groupby("label")}
        if not table.empty
        else {},
        "templated_final_bias_metric": template.get("final_bias_metric"),
        "templated_min_subgroup_auc": template.get("min_subgroup_auc"),
        "templated_min_term_auc": template.get("min_term_auc"),
        "templated_min_bpsn_auc": template.get("min_bpsn_auc"),
        "templated_max_term_mean_harmless": template.get("max_term_mean_harmless"),
        "templated_harmless_flag_rate": template.get("harmless_flag_rate"),
        "functional_accuracy": checks.get("functional", {}).get("accuracy"),
    }


def headline_metrics(evaluation: list[dict[str, Any]]) -> dict[str, float]:
    """A few numbers for the home page: mean test ROC AUC per label, Jigsaw AUC and OLID macro-F1.

    ``mean_test_roc_auc_<label>`` averages the v3 datasets (:data:`~core.training.datasets.PROTECTED`) when
    the model was evaluated on them, so versions compare like for like on the Model page;
    ``mean_test_roc_auc_<label>_all_sets`` averages every evaluated dataset.
    """
    table = pd.DataFrame(evaluation)
    headline: dict[str, float] = {}
    if table.empty:
        return headline
    for label, rows in table.groupby("label"):
        v3_sets = rows[rows["dataset"].isin(PROTECTED)]
        headline[f"mean_test_roc_auc_{label}"] = float((v3_sets if len(v3_sets) else rows)["roc_auc"].mean())
        if len(v3_sets) and len(v3_sets) < len(rows):
            headline[f"mean_test_roc_auc_{label}_all_sets"] = float(rows["roc_auc"].mean())
    jigsaw = table[(table["dataset"] == "jigsaw") & (table["label"] == "toxic")]
    if not jigsaw.empty:
        headline["jigsaw_toxic_roc_auc"] = float(jigsaw["roc_auc"].iloc[0])
    olid = table[(table["dataset"] == "olid") & (table["label"] == "toxic")]
    if not olid.empty:
        headline["olid_macro_f1"] = float(olid["macro_f1"].iloc[0])
    return {k: v for k, v in headline.items() if not math.isnan(v)}


def check_headlines(checks: dict[str, Any]) -> dict[str, float]:
    """Headline figures from the checks: functional cases, templated identity test, DynaHate, calibration."""
    out: dict[str, float] = {}
    if "accuracy" in checks.get("functional", {}):
        out["functional_accuracy"] = float(checks["functional"]["accuracy"])
    template = checks.get("templated_identity", {})
    for key in ("final_bias_metric", "min_bpsn_auc"):
        if template.get(key) is not None:
            out[f"templated_{key}"] = float(template[key])
    for row in checks.get("dynahate_levels", []):
        if row["level"] in ("original", "perturbation"):
            out[f"dynahate_{row['level']}_roc_auc"] = float(row["roc_auc"])
    for label, data in checks.get("calibration", {}).items():
        out[f"calibration_ece_{label}"] = float(data["ece"])
    return {k: v for k, v in out.items() if not math.isnan(v)}


class CachedScores:
    """A fitted classifier whose ``predict_proba`` remembers the scores of each list of texts it has seen."""

    def __init__(self, clf: ToxicityClassifier) -> None:
        self._clf = clf
        self._memo: dict[str, np.ndarray] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._clf, name)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Scores of ``texts`` (computed once per distinct list)."""
        key = hashlib.sha256("\x1e".join(map(str, texts)).encode("utf-8")).hexdigest()
        if key not in self._memo:
            self._memo[key] = self._clf.predict_proba(texts)
        return self._memo[key]


def dataset_tuned_metrics(clf: ToxicityClassifier, sets: Sequence[LabelledSet]) -> list[dict[str, Any]]:
    """Test metrics with the ``toxic`` threshold re-chosen on each dataset's own validation split.

    Published results (e.g. OLID macro-F1) tune on the dataset's own data; this shows
    what a team that picks its threshold on its own labelled sample would get.
    """
    from sklearn.metrics import f1_score

    rows = []
    column = clf.labels_.index("toxic") if "toxic" in clf.labels_ else 0
    label = clf.labels_[column]
    for labelled in sets:
        if label not in labelled.frame:  # a public set beside a user's file with other labels
            continue
        frame = labelled.frame[labelled.frame[label].notna()]
        val, test = frame[frame["split"] == "validation"], frame[frame["split"] == "test"]
        if val.empty or test.empty or val[label].nunique() < 2:
            continue
        val_scores = clf.predict_proba(val["text"].tolist())[:, column]
        candidates = np.unique(np.round(val_scores, 3))
        best = max(candidates, key=lambda t: f1_score(val[label], val_scores >= t, average="macro"))
        test_scores = clf.predict_proba(test["text"].tolist())[:, column]
        metrics = evaluate_scores(test[label].to_numpy(float), test_scores, threshold=float(best))
        rows.append({"dataset": labelled.name, "label": label, **metrics})
    return rows
