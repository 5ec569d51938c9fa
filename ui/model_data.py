"""What the Model page does with data, without Streamlit: labelled posts, thresholds, comparisons, tables.

Labelled posts come from a file (an upload or the last scored upload): a text
column and, per model label, a column read either as labels (0/1, true/false,
fractions) or as categories of which some mean the label. Everything here is
tested on plain DataFrames; :mod:`ui.model_view` shows it.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.errors import ModLensError
from core.evaluation.metrics import evaluate_scores
from core.evaluation.thresholds import OperatingPoint, threshold_for_cost, threshold_for_precision, threshold_for_recall
from core.io.labels import parse_labels
from core.io.posts import Posts
from core.registry import ModelVersion

NO_COLUMN = "(none)"
MAX_CATEGORIES = 50
"""A label column with more distinct values than this cannot be mapped by picking values."""
METHODS = ("target precision", "target recall", "cost of errors")
COMPARE_METRICS = ("n", "positives", "threshold", "roc_auc", "pr_auc", "precision", "recall", "f1", "flagged")
BIAS_COLUMNS = ("subgroup_auc", "bpsn_auc", "bnsp_auc")
BIAS_NAMES = {"subgroup_auc": "subgroup AUC", "bpsn_auc": "BPSN AUC", "bnsp_auc": "BNSP AUC"}


@dataclass(frozen=True)
class LabelRule:
    """How one model label is read from a column of a file.

    Parameters
    ----------
    column
        The column, or None when the file has nothing for this label (all unknown).
    positive
        None when the column holds labels (0/1, true/false, fractions); else the
        values that mean the label: every other non-empty value means "not the label".

    """

    column: str | None = None
    positive: tuple[str, ...] | None = None


def _clean_values(series: pd.Series) -> pd.Series:
    """Values as stripped strings; missing and empty values become NA."""
    values = series.astype("string").str.strip()
    return values.mask(values == "")


def parses_as_labels(series: pd.Series) -> bool:
    """True when the column holds labels that :func:`core.io.labels.parse_labels` reads (0/1, true/false, fractions)."""
    try:
        parse_labels(series, str(series.name))
    except ModLensError:
        return False
    return True


def categories(series: pd.Series, limit: int = MAX_CATEGORIES) -> list[str]:
    """Distinct non-empty values of a column, most frequent first.

    Raises
    ------
    ModLensError
        When there are more than ``limit`` of them (not a label column).

    """
    counts = _clean_values(series).dropna().value_counts(sort=True)
    if len(counts) > limit:
        raise ModLensError(
            f"Column '{series.name}' has {len(counts):,} different values, too many for a label. "
            "Choose the column that holds the labels."
        )
    return [str(v) for v in counts.index]


def label_values(frame: pd.DataFrame, rule: LabelRule) -> np.ndarray:
    """One label as floats (1, 0, NaN unknown) following ``rule``.

    Raises
    ------
    ModLensError
        When the column is missing or does not hold labels.

    """
    if rule.column is None:
        return np.full(len(frame), np.nan)
    if rule.column not in frame.columns:
        raise ModLensError(f"Column '{rule.column}' is not in the file. Choose one of its columns.")
    if rule.positive is None:
        return parse_labels(frame[rule.column], rule.column)
    values = _clean_values(frame[rule.column])
    positive = values.isin(list(rule.positive)).to_numpy(dtype=bool)
    return np.where(values.isna().to_numpy(dtype=bool), np.nan, positive.astype(float))


@dataclass(frozen=True)
class LabelledPosts:
    """Posts with their labels, ready to train on, score or compare.

    Attributes
    ----------
    name
        Where the posts came from (file name), for messages.
    texts
        Post texts.
    labels
        Model label -> values (1, 0, NaN unknown), aligned with ``texts``.
    key
        Digest of the content and of how it was read: a cache key for scores.

    """

    name: str
    texts: tuple[str, ...]
    labels: Mapping[str, np.ndarray]
    key: str

    def __len__(self) -> int:
        return len(self.texts)

    def counts(self) -> pd.DataFrame:
        """Per label: posts with a known label, positives and negatives."""
        rows = []
        for label, values in self.labels.items():
            known = ~np.isnan(values)
            positives = int((values[known] == 1).sum())
            rows.append(
                {
                    "label": label,
                    "labelled": int(known.sum()),
                    "positive": positives,
                    "negative": int(known.sum()) - positives,
                }
            )
        return pd.DataFrame(rows, columns=["label", "labelled", "positive", "negative"])

    def usable_labels(self) -> list[str]:
        """Labels with both positive and negative posts (the ones curves and thresholds need)."""
        return [label for label, values in self.labels.items() if len(np.unique(values[~np.isnan(values)])) == 2]

    def training_table(self) -> pd.DataFrame:
        """``text`` and one column per label: the file ``core.training.pipeline`` trains on."""
        return pd.DataFrame({"text": list(self.texts), **{label: v for label, v in self.labels.items()}})


def labelled_posts(
    frame: pd.DataFrame, *, name: str, text_col: str, rules: Mapping[str, LabelRule], content_hash: str
) -> LabelledPosts:
    """Read the posts and labels of a file following ``rules`` (one per model label).

    Raises
    ------
    ModLensError
        When the text column is missing or a label column does not hold labels.

    """
    if text_col not in frame.columns:
        raise ModLensError(f"Text column '{text_col}' is not in the file. Choose one of its columns.")
    texts = tuple(Posts(frame=frame, text_col=text_col).texts)
    labels = {label: label_values(frame, rule) for label, rule in rules.items()}
    how = json.dumps(
        {
            "text": text_col,
            "rules": {k: [r.column, None if r.positive is None else list(r.positive)] for k, r in rules.items()},
        },
        sort_keys=True,
    )
    key = hashlib.sha256(f"{content_hash}\n{how}".encode()).hexdigest()[:20]
    return LabelledPosts(name=name, texts=texts, labels=labels, key=key)


def check_trainable(data: LabelledPosts) -> None:
    """Raise unless the posts can be trained on: some label known, and both classes for every known label.

    Raises
    ------
    ModLensError
        Saying which label lacks which class.

    """
    if not len(data):
        raise ModLensError("The file has no posts.")
    known_any = False
    for label, values in data.labels.items():
        known = values[~np.isnan(values)]
        if not known.size:
            continue
        known_any = True
        for value, what in ((1.0, "positive"), (0.0, "negative")):
            if not (known == value).any():
                raise ModLensError(
                    f"The '{label}' labels have no {what} post. Training needs both positive and negative posts "
                    f"for every label it learns; map other values to '{label}' or choose '{NO_COLUMN}'."
                )
    if not known_any:
        raise ModLensError("No label column is chosen. Choose the column that holds at least one label.")


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str, fallback: str = "model", limit: int = 60) -> str:
    """Letters, digits, ``.``, ``_`` and ``-`` only (others become ``-``): safe in file names and Markdown."""
    cleaned = _UNSAFE.sub("-", str(text)).strip("-._")[:limit]
    return cleaned or fallback


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
    metadata: tuple[Mapping[str, Any], Mapping[str, Any]]
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


TEMPLATED = (
    ("final bias metric", "final_bias_metric"),
    ("overall AUC", "overall_auc"),
    ("lowest group subgroup AUC", "min_subgroup_auc"),
    ("lowest term AUC", "min_term_auc"),
    ("terms below 0.90 AUC", "terms_below_0_90_auc"),
    ("harmless sentences flagged", "harmless_flag_rate"),
)


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return math.nan
    return float(value)


def templated_summary(metadata: Mapping[str, Any]) -> pd.DataFrame:
    """The templated identity test numbers of a version (``metadata['checks']``), with functional accuracy."""
    checks = metadata.get("checks") or {}
    template = checks.get("templated_identity") or {}
    rows = [(name, _number(template.get(key))) for name, key in TEMPLATED]
    functional = (checks.get("functional") or {}).get("accuracy")
    rows.append(("functional cases accuracy", _number(functional)))
    return pd.DataFrame(rows, columns=["metric", "value"])


def compare_templated(comparison: Comparison) -> pd.DataFrame:
    """:func:`templated_summary` of both versions side by side."""
    tables = [templated_summary(meta).set_index("metric")["value"] for meta in comparison.metadata]
    return pd.DataFrame(dict(zip(comparison.columns, tables, strict=True)))


def penalised_terms(metadata: Mapping[str, Any]) -> pd.DataFrame:
    """Identity terms whose harmless template sentences score highest (from ``metadata['checks']``)."""
    template = (metadata.get("checks") or {}).get("templated_identity") or {}
    rows = template.get("most_penalised_terms") or []
    return pd.DataFrame(rows, columns=["term", "group", "mean_harmless", "auc"])


def evaluation_table(metadata: Mapping[str, Any]) -> pd.DataFrame:
    """Held-out test metrics per dataset and label (``metadata['evaluation']``)."""
    columns = ["dataset", "label", "n", "positives", "roc_auc", "pr_auc", "precision", "recall", "f1", "threshold"]
    rows = [{c: row.get(c) for c in columns} for row in metadata.get("evaluation") or [] if isinstance(row, dict)]
    return pd.DataFrame(rows, columns=columns)


def debias_table(metadata: Mapping[str, Any]) -> pd.DataFrame | None:
    """Before / after numbers of a debiased training (``metadata['debias']``), or None."""
    debias = metadata.get("debias") or {}
    after = debias.get("after")
    if not after:
        return None
    before = debias.get("before") or {}
    rows = []
    for key, value in after.items():
        if isinstance(value, dict):
            for label, number in value.items():
                rows.append(
                    {
                        "metric": f"{key} {label}",
                        "before": _number((before.get(key) or {}).get(label)),
                        "after": _number(number),
                    }
                )
        else:
            rows.append({"metric": key, "before": _number(before.get(key)), "after": _number(value)})
    return pd.DataFrame(rows, columns=["metric", "before", "after"])


def versions_table(versions: Sequence[ModelVersion]) -> pd.DataFrame:
    """One row per version: number, name, created, active, thresholds and headline test AUCs."""
    rows = []
    for v in versions:
        rows.append(
            {
                "version": v.version,
                "name": v.name,
                "created": v.created,
                "active": v.active,
                "thresholds": ", ".join(f"{label} {t:.3f}" for label, t in v.thresholds.items()),
                "test AUC toxic": _number(v.headline.get("mean_test_roc_auc_toxic")),
                "test AUC hate": _number(v.headline.get("mean_test_roc_auc_hate")),
                "kind": "bundled, read-only" if v.read_only else "trained",
            }
        )
    return pd.DataFrame(
        rows,
        columns=["version", "name", "created", "active", "thresholds", "test AUC toxic", "test AUC hate", "kind"],
    )


def version_label(v: ModelVersion) -> str:
    """Short text for pickers: ``v2 · name (active)``."""
    return f"v{v.version} · {v.name}" + (" (active)" if v.active else "") + (" (bundled)" if v.read_only else "")
