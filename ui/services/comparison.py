"""Labelled posts scored by model versions: choosing a version's thresholds, comparing two versions.

Scores of a version on labelled posts are cached per version directory, its stamp
and the posts (:func:`version_scores`). No widgets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from core.errors import ModLensError
from core.evaluation.metrics import evaluate_scores
from core.evaluation.thresholds import OperatingPoint, threshold_for_cost, threshold_for_precision, threshold_for_recall
from core.model.metadata import ModelMetadata
from core.registry import ModelVersion
from core.scoring import score_texts
from ui.services.labelled import LabelledPosts
from ui.services.model_tables import templated_summary
from ui.services.models import get_model_at, model_stamp

METHODS = ("target precision", "target recall", "cost of errors")
COMPARE_METRICS = ("n", "positives", "threshold", "roc_auc", "pr_auc", "precision", "recall", "f1", "flagged")
BIAS_COLUMNS = ("subgroup_auc", "bpsn_auc", "bnsp_auc")
BIAS_NAMES = {"subgroup_auc": "subgroup AUC", "bpsn_auc": "BPSN AUC", "bnsp_auc": "BNSP AUC"}


@st.cache_data(show_spinner=False, max_entries=8)
def _version_scores(model_dir: str, stamp: float, data_key: str, _texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Scores of labelled posts by the model in ``model_dir`` (cached by directory, its stamp and the posts)."""
    model = get_model_at(Path(model_dir))
    return list(model.labels_), score_texts(model, list(_texts))


def version_scores(version: ModelVersion, data: LabelledPosts) -> tuple[list[str], np.ndarray]:
    """The version's labels and its scores of the labelled posts (the version is loaded once per server)."""
    return _version_scores(str(version.path.resolve()), model_stamp(version.path), data.key, data.texts)


def choose_threshold(
    truth: np.ndarray,
    scores: np.ndarray,
    method: str,
    *,
    target: float = 0.9,
    fp_cost: float = 1.0,
    fn_cost: float = 1.0,
) -> OperatingPoint:
    """The operating point by one of :data:`METHODS`.

    Raises
    ------
    ModLensError
        When the target is unreachable, a class is missing or the method is unknown.

    """
    if method == METHODS[0]:
        return threshold_for_precision(truth, scores, target)
    if method == METHODS[1]:
        return threshold_for_recall(truth, scores, target)
    if method == METHODS[2]:
        return threshold_for_cost(truth, scores, fp_cost, fn_cost)
    raise ModLensError(f"Unknown method '{method}'. Choose one of: {', '.join(METHODS)}.")


def operating_table(label: str, points: Mapping[str, OperatingPoint]) -> pd.DataFrame:
    """Threshold, precision, recall, flagged posts and errors of ``label`` at each named operating point (columns)."""
    rows = ["threshold", "precision", "recall", "flagged", "false positives", "missed (false negatives)"]
    data = {
        name: [p.threshold, p.precision, p.recall, float(p.flagged), float(p.fp), float(p.fn)]
        for name, p in points.items()
    }
    return pd.DataFrame(data, index=pd.Index(rows, name=f"{label} at the threshold"))


@dataclass(frozen=True)
class ScoredLabels:
    """Labelled posts scored by one version (for choosing its thresholds)."""

    version: int
    labels: tuple[str, ...]
    scores: np.ndarray
    data: LabelledPosts

    def scores_of(self, label: str) -> np.ndarray:
        """Scores of one label."""
        return self.scores[:, self.labels.index(label)]


@dataclass(frozen=True)
class Comparison:
    """The same labelled posts scored by two versions."""

    versions: tuple[int, int]
    labels: tuple[tuple[str, ...], tuple[str, ...]]
    scores: tuple[np.ndarray, np.ndarray]
    thresholds: tuple[Mapping[str, float], Mapping[str, float]]
    metadata: tuple[ModelMetadata, ModelMetadata]
    data: LabelledPosts
    names: tuple[str, str] = field(default=("", ""))

    @property
    def columns(self) -> tuple[str, str]:
        """Column names of the side-by-side tables: ``v<N>``."""
        return f"v{self.versions[0]}", f"v{self.versions[1]}"

    def scores_of(self, side: int, label: str) -> np.ndarray:
        """Scores of one label by version ``side`` (0 or 1)."""
        return self.scores[side][:, self.labels[side].index(label)]

    def common_labels(self) -> list[str]:
        """Labels of both versions that the posts have both classes of."""
        usable = set(self.data.usable_labels())
        return [label for label in self.labels[0] if label in self.labels[1] and label in usable]


def compare_metrics(comparison: Comparison, label: str) -> pd.DataFrame:
    """Metrics of both versions at their own thresholds (4 decimals), one column per version."""
    truth = comparison.data.labels[label]
    columns = {}
    for side, name in enumerate(comparison.columns):
        metrics = evaluate_scores(
            truth, comparison.scores_of(side, label), threshold=float(comparison.thresholds[side][label])
        )
        columns[name] = [round(float(metrics[key]), 4) for key in COMPARE_METRICS]
    return pd.DataFrame(columns, index=pd.Index(list(COMPARE_METRICS), name=f"{label} metric"))


def compare_bias(comparison: Comparison, label: str, groups: pd.DataFrame, min_group_size: int = 5) -> pd.DataFrame:
    """Subgroup, BPSN and BNSP AUC per identity group found in the posts, for both versions side by side.

    ``groups`` is the posts x identity groups membership (e.g. from
    :func:`core.bias.match_identities`); groups no post mentions are left out.
    """
    from core.bias import BiasConfig, bias_metrics

    present = groups.loc[:, groups.any(axis=0)] if len(groups.columns) else groups
    truth = comparison.data.labels[label]
    merged: pd.DataFrame | None = None
    for side, name in enumerate(comparison.columns):
        config = BiasConfig(
            threshold=float(comparison.thresholds[side][label]), n_bootstrap=0, min_group_size=min_group_size
        )
        table = bias_metrics(truth, comparison.scores_of(side, label), groups=present, config=config)
        part = table[["group", "n", "positives", *BIAS_COLUMNS]].rename(
            columns={c: f"{name} {BIAS_NAMES[c]}" for c in BIAS_COLUMNS}
        )
        merged = part if merged is None else merged.merge(part, on=["group", "n", "positives"], how="left")
    assert merged is not None
    return merged.reset_index(drop=True)


def compare_templated(comparison: Comparison) -> pd.DataFrame:
    """:func:`templated_summary` of both versions side by side."""
    tables = [templated_summary(meta).set_index("metric")["value"] for meta in comparison.metadata]
    return pd.DataFrame(dict(zip(comparison.columns, tables, strict=True)))
