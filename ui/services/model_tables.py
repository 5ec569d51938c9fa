"""Tables of model versions and of what their metadata says (held-out metrics, bias checks, debiasing).

No widgets; the Model page shows these tables and tests read them as DataFrames.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

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


def templated_summary(metadata: Mapping[str, Any]) -> pd.DataFrame:
    """The templated identity test numbers of a version (``metadata['checks']``), with functional accuracy."""
    checks = metadata.get("checks") or {}
    template = checks.get("templated_identity") or {}
    rows = [(name, _number(template.get(key))) for name, key in TEMPLATED]
    functional = (checks.get("functional") or {}).get("accuracy")
    rows.append(("functional cases accuracy", _number(functional)))
    return pd.DataFrame(rows, columns=["metric", "value"])


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
