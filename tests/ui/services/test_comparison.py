"""Labelled posts scored by versions: choosing thresholds, and two versions side by side."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.bias import BiasConfig, bias_metrics
from core.errors import ModLensError
from tests.ui.services.test_model_tables import EMPTY, METADATA
from ui.services import comparison as compared
from ui.services.comparison import Comparison
from ui.services.labelled import LabelledPosts


def test_choose_threshold_dispatches() -> None:
    y, s = np.array([0, 1, 1, 0, 1]), np.array([0.1, 0.4, 0.8, 0.6, 0.9])
    assert compared.choose_threshold(y, s, "target precision", target=1.0).threshold == pytest.approx(0.8)
    assert compared.choose_threshold(y, s, "target recall", target=1.0).threshold == pytest.approx(0.4)
    assert compared.choose_threshold(y, s, "cost of errors", fp_cost=1, fn_cost=3).threshold == pytest.approx(0.4)
    with pytest.raises(ModLensError, match="Unknown method"):
        compared.choose_threshold(y, s, "magic")
    point = compared.choose_threshold(y, s, "target recall", target=1.0)
    table = compared.operating_table("toxic", {"chosen": point})
    assert table.index.name == "toxic at the threshold"
    assert table.loc["false positives", "chosen"] == 1 and table.loc["recall", "chosen"] == 1.0


@pytest.fixture
def comparison() -> Comparison:
    rng = np.random.default_rng(0)
    n = 400
    truth = (rng.random(n) < 0.4).astype(float)
    first = np.clip(0.3 * truth + 0.7 * rng.random(n), 0, 1)
    second = np.clip(0.6 * truth + 0.4 * rng.random(n), 0, 1)
    data = LabelledPosts("f", tuple(f"post {i}" for i in range(n)), {"toxic": truth, "hate": np.full(n, np.nan)}, "k")
    return Comparison(
        versions=(1, 3),
        labels=(("toxic", "hate"), ("toxic", "hate")),
        scores=(np.column_stack([first, first]), np.column_stack([second, second])),
        thresholds=({"toxic": 0.5, "hate": 0.5}, {"toxic": 0.6, "hate": 0.5}),
        metadata=(METADATA, EMPTY),
        data=data,
    )


def test_compare_metrics_side_by_side(comparison: Comparison) -> None:
    table = compared.compare_metrics(comparison, "toxic")
    assert table.columns.tolist() == ["v1", "v3"]
    assert table.index.name == "toxic metric"
    assert table.loc["threshold"].tolist() == [0.5, 0.6]
    assert table.loc["roc_auc", "v3"] > table.loc["roc_auc", "v1"]
    assert table.loc["roc_auc", "v3"] == round(table.loc["roc_auc", "v3"], 4)
    flagged = (comparison.scores[1][:, 0] >= 0.6).sum()
    assert table.loc["flagged", "v3"] == flagged
    assert comparison.common_labels() == ["toxic"]  # hate has no labels


def test_compare_bias_side_by_side(comparison: Comparison) -> None:
    rng = np.random.default_rng(1)
    groups = pd.DataFrame(
        {"muslim": rng.random(400) < 0.2, "women": rng.random(400) < 0.3, "never": np.zeros(400, bool)}
    )
    table = compared.compare_bias(comparison, "toxic", groups)
    assert table["group"].tolist() == ["muslim", "women", "overall"]  # unmentioned groups are left out
    assert [c for c in table.columns if c.startswith("v")] == [
        "v1 subgroup AUC",
        "v1 BPSN AUC",
        "v1 BNSP AUC",
        "v3 subgroup AUC",
        "v3 BPSN AUC",
        "v3 BNSP AUC",
    ]
    expected = bias_metrics(
        comparison.data.labels["toxic"],
        comparison.scores[1][:, 0],
        groups=groups[["muslim", "women"]],
        config=BiasConfig(threshold=0.6, n_bootstrap=0),
    )
    np.testing.assert_allclose(table["v3 BPSN AUC"].to_numpy()[:2], expected["bpsn_auc"].to_numpy()[:2])
    assert table.loc[table["group"] == "muslim", "n"].item() == groups["muslim"].sum()


def test_compare_templated(comparison: Comparison) -> None:
    table = compared.compare_templated(comparison)
    assert table.columns.tolist() == ["v1", "v3"]
    assert table.loc["final bias metric", "v1"] == 0.83
    assert math.isnan(table.loc["final bias metric", "v3"])
