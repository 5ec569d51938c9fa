"""Tables from model metadata and the registry: templated test, penalised terms, held-out metrics, versions."""

from __future__ import annotations

from pathlib import Path

from core.model.metadata import ModelMetadata
from core.registry import ModelRegistry
from ui.services import model_tables

EMPTY = ModelMetadata.from_dict({"format_version": 1, "labels": ["toxic"]})
METADATA = ModelMetadata.from_dict(
    {
        "format_version": 1,
        "labels": ["toxic"],
        "evaluation": [
            {
                "dataset": "d",
                "label": "toxic",
                "n": 10,
                "positives": 4,
                "roc_auc": 0.9,
                "pr_auc": 0.8,
                "precision": 0.7,
                "recall": 0.6,
                "f1": 0.65,
                "threshold": 0.5,
                "macro_f1": 0.7,
            }
        ],
        "checks": {
            "templated_identity": {
                "final_bias_metric": 0.83,
                "overall_auc": 0.9,
                "min_subgroup_auc": 0.7,
                "min_term_auc": 0.6,
                "terms_below_0_90_auc": 12,
                "harmless_flag_rate": 0.05,
                "most_penalised_terms": [{"term": "gay", "group": "lgbtq", "mean_harmless": 0.4, "auc": 0.7}],
            },
            "functional": {"accuracy": 0.75},
        },
        "debias": {
            "before": {"mean_test_roc_auc": {"toxic": 0.88}, "templated_final_bias_metric": 0.7},
            "after": {"mean_test_roc_auc": {"toxic": 0.87}, "templated_final_bias_metric": 0.83},
        },
    }
)


def test_tables_from_metadata() -> None:
    summary = model_tables.templated_summary(METADATA).set_index("metric")["value"]
    assert summary["final bias metric"] == 0.83 and summary["terms below 0.90 AUC"] == 12
    assert summary["functional cases accuracy"] == 0.75
    assert model_tables.templated_summary(EMPTY).set_index("metric")["value"].isna().all()
    assert model_tables.penalised_terms(METADATA)["term"].tolist() == ["gay"]
    evaluation = model_tables.evaluation_table(METADATA)
    assert evaluation.loc[0, "roc_auc"] == 0.9 and "macro_f1" not in evaluation
    debias = model_tables.debias_table(METADATA).set_index("metric")
    assert debias.loc["mean_test_roc_auc toxic"].tolist() == [0.88, 0.87]
    assert debias.loc["templated_final_bias_metric"].tolist() == [0.7, 0.83]
    assert model_tables.debias_table(EMPTY) is None and model_tables.debias_table(None) is None


def test_versions_table(tmp_path: Path) -> None:
    registry = ModelRegistry(root=tmp_path)
    table = model_tables.versions_table(registry.list())
    assert table.loc[0, "version"] == 0 and bool(table.loc[0, "active"])
    assert table.loc[0, "kind"] == "bundled, read-only"
    assert "toxic" in table.loc[0, "thresholds"]
    assert model_tables.version_label(registry.list()[0]).startswith("v0 · ")
