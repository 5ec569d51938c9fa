"""Tables of model versions and of what their metadata says (held-out metrics, bias checks, debiasing).

No widgets; the Model page shows these tables and tests read them as DataFrames.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from core.evaluation.calibration import reliability_from_metadata
from core.evaluation.intervals import held_out_summary
from core.model.metadata import ModelMetadata
from core.registry import ModelVersion

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


def _section(mapping: Mapping[str, Any] | None, key: str) -> Mapping[str, Any]:
    """``mapping[key]`` when it is a mapping, else an empty one (older or partial metadata)."""
    value = mapping.get(key) if isinstance(mapping, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def templated_summary(metadata: ModelMetadata | None) -> pd.DataFrame:
    """The templated identity test numbers of a version (``metadata.checks``), with functional accuracy."""
    checks = metadata.checks if metadata is not None else {}
    template = _section(checks, "templated_identity")
    rows = [(name, _number(template.get(key))) for name, key in TEMPLATED]
    rows.append(("functional cases accuracy", _number(_section(checks, "functional").get("accuracy"))))
    return pd.DataFrame(rows, columns=["metric", "value"])


def penalised_terms(metadata: ModelMetadata | None) -> pd.DataFrame:
    """Identity terms whose harmless template sentences score highest (from ``metadata.checks``)."""
    template = _section(metadata.checks if metadata is not None else {}, "templated_identity")
    rows = template.get("most_penalised_terms")
    return pd.DataFrame(rows if isinstance(rows, list) else [], columns=["term", "group", "mean_harmless", "auc"])


def evaluation_table(metadata: ModelMetadata | None) -> pd.DataFrame:
    """Held-out test metrics per dataset and label (``metadata.evaluation``)."""
    columns = ["dataset", "label", "n", "positives", "roc_auc", "pr_auc", "precision", "recall", "f1", "threshold"]
    records = metadata.evaluation if metadata is not None else ()
    return pd.DataFrame([{c: row.get(c) for c in columns} for row in records], columns=columns)


def debias_table(metadata: ModelMetadata | None) -> pd.DataFrame | None:
    """Before / after numbers of a debiased training (``metadata.debias``), or None."""
    debias = metadata.debias if metadata is not None else None
    after = _section(debias, "after")
    if not after:
        return None
    before = _section(debias, "before")
    rows = []
    for key, value in after.items():
        if isinstance(value, Mapping):
            for label, number in value.items():
                rows.append(
                    {
                        "metric": f"{key} {label}",
                        "before": _number(_section(before, key).get(label)),
                        "after": _number(number),
                    }
                )
        else:
            rows.append({"metric": key, "before": _number(before.get(key)), "after": _number(value)})
    return pd.DataFrame(rows, columns=["metric", "before", "after"])


def reliability(metadata: ModelMetadata | None) -> dict[str, tuple[pd.DataFrame, float]]:
    """Per label with stored reliability data: its table (non-empty bins, numbers only) and its ECE (NaN if absent).

    Training stores them in ``metadata.checks["calibration"]`` (pooled test splits, see
    :func:`core.evaluation.calibration.reliability_from_metadata`); versions trained before
    that (v3 and older) or on data without test splits give an empty dict. Damaged entries are skipped.
    """
    if metadata is None:
        return {}
    calibration = _section(metadata.checks, "calibration")
    found = {}
    for label in metadata.labels:
        entry = _section(calibration, label)
        rows = entry.get("table")
        if not isinstance(rows, list):
            continue
        rows = [row for row in rows if isinstance(row, Mapping)]
        table = reliability_from_metadata({"checks": {"calibration": {label: {"table": rows}}}}, label)
        for column in ("n", "mean_score", "observed_rate"):
            table[column] = pd.to_numeric(table[column], errors="coerce")
        table = table.dropna(subset=["n", "mean_score", "observed_rate"])
        table = table[table["n"] > 0].reset_index(drop=True)
        if len(table):
            found[label] = (table, _number(entry.get("ece")))
    return found


LABEL_ORDER = ("toxic", "hate")
"""Labels shown first in the versions table (others follow in the order the versions name them)."""


def _interval(low: float, high: float) -> str:
    return "–" if math.isnan(low) or math.isnan(high) else f"{low:.3f}–{high:.3f}"


def held_out(version: ModelVersion) -> pd.DataFrame:
    """Per label of a version: held-out AUC, 95% interval, test-set size and whether it is too small to judge.

    From the typed metadata's ``evaluation`` (:func:`core.evaluation.intervals.held_out_summary`);
    an older version with a headline AUC but no evaluation records keeps its AUC, without size or interval.
    """
    meta = version.metadata
    if meta is None:
        return held_out_summary([], version.labels)
    table = held_out_summary(meta.evaluation, meta.labels)
    for i, label in enumerate(table["label"]):
        headline = meta.headline.get(f"mean_test_roc_auc_{label}")
        if table.loc[i, "datasets"] == 0 and isinstance(headline, int | float):
            table.loc[i, "roc_auc"] = float(headline)
            table.loc[i, "reason"] = f"the test-set size for {label} is not recorded (an older model)"
    return table


def _labels_of(versions: Sequence[ModelVersion]) -> list[str]:
    found = list(dict.fromkeys(label for v in versions for label in v.labels))
    return [label for label in LABEL_ORDER if label in found] + [x for x in found if x not in LABEL_ORDER]


def versions_table(versions: Sequence[ModelVersion]) -> pd.DataFrame:
    """One row per version: number, name, created, active, thresholds, trained on, held-out AUC per label.

    Each label's AUC comes with its 95% interval and the test-set size (``n``, positives); ``judge``
    says when a version's test split is too small to compare it with others. ``problem`` is why a
    version cannot be used (its ``metadata.json`` is missing or damaged), so that it can be seen
    and deleted; empty for a sound version.
    """
    labels = _labels_of(versions)
    rows = []
    for v in versions:
        meta = v.metadata
        row: dict[str, Any] = {
            "version": v.version,
            "name": v.name,
            "created": v.created,
            "active": v.active,
            "thresholds": ", ".join(f"{label} {t:.3f}" for label, t in v.thresholds.items()),
            "trained on": meta.n_train if meta is not None and meta.n_train is not None else math.nan,
        }
        held = held_out(v).set_index("label")
        for label in labels:
            known = label in held.index
            row[f"test AUC {label}"] = float(held.loc[label, "roc_auc"]) if known else math.nan
            row[f"{label} 95% interval"] = _interval(held.loc[label, "low"], held.loc[label, "high"]) if known else ""
            row[f"{label} test n"] = int(held.loc[label, "n"]) if known else math.nan
            row[f"{label} test positives"] = int(held.loc[label, "positives"]) if known else math.nan
        reasons = [str(r) for r in held["reason"] if r]
        row["judge"] = ("too small to judge: " + "; ".join(reasons)) if reasons else "ok"
        row["kind"] = "bundled, read-only" if v.read_only else "trained"
        row["problem"] = v.error or ""
        rows.append(row)
    columns = ["version", "name", "created", "active", "thresholds", "trained on"]
    for label in labels:
        columns += [f"test AUC {label}", f"{label} 95% interval", f"{label} test n", f"{label} test positives"]
    return pd.DataFrame(rows, columns=[*columns, "judge", "kind", "problem"])


def too_small(versions: Sequence[ModelVersion]) -> dict[int, list[str]]:
    """Version -> why its held-out metrics cannot be judged, for the versions whose test split is too small."""
    found = {}
    for v in versions:
        reasons = [str(r) for r in held_out(v)["reason"] if r]
        if reasons:
            found[v.version] = reasons
    return found


def activation_table(current: ModelVersion, candidate: ModelVersion) -> pd.DataFrame:
    """What activating ``candidate`` changes, side by side with the ``current`` active version.

    Rows: name, created, posts trained on, and per label the threshold, the held-out AUC with
    its 95% interval and the test-set size. Cells are text (the table is read, not computed on).
    """
    labels = _labels_of([current, candidate])
    columns = {
        f"v{current.version} (active now)": current,
        f"v{candidate.version} (to activate)": candidate,
    }
    table: dict[str, dict[str, str]] = {}
    for title, v in columns.items():
        meta = v.metadata
        held = held_out(v).set_index("label")
        cells = {
            "name": v.name,
            "created": v.created,
            "posts trained on": f"{meta.n_train:,}" if meta is not None and meta.n_train is not None else "–",
        }
        for label in labels:
            if label not in held.index:
                cells[f"{label}: threshold"] = "not scored"
                cells[f"{label}: test AUC (95% interval)"] = "not scored"
                cells[f"{label}: test posts (positive)"] = "–"
                continue
            auc = float(held.loc[label, "roc_auc"])
            interval = _interval(held.loc[label, "low"], held.loc[label, "high"])
            cells[f"{label}: threshold"] = f"{v.thresholds[label]:.3f}" if label in v.thresholds else "–"
            cells[f"{label}: test AUC (95% interval)"] = "–" if math.isnan(auc) else f"{auc:.3f} ({interval})"
            n, positives = int(held.loc[label, "n"]), int(held.loc[label, "positives"])
            cells[f"{label}: test posts (positive)"] = f"{n:,} ({positives:,})" if n else "not recorded"
        table[title] = cells
    frame = pd.DataFrame(table)
    frame.index.name = "what changes"
    return frame


def version_label(v: ModelVersion) -> str:
    """Short text for pickers: ``v2 · name (active)``."""
    return (
        f"v{v.version} · {v.name}"
        + (" (active)" if v.active else "")
        + (" (bundled)" if v.read_only else "")
        + (" (cannot be used)" if v.error else "")
    )
