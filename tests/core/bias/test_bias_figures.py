"""Figures: assertions on ``fig.to_dict()``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.bias.config import BiasConfig
from core.bias.counterfactual import counterfactual_gap
from core.bias.figures import (
    auc_figure,
    counterfactual_figure,
    error_rate_figure,
    flag_rate_figure,
    metric_heatmap,
    template_figure,
)
from core.bias.flag_rates import flag_rate_metrics
from core.bias.inputs import OVERALL
from core.bias.metrics import bias_metrics


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    y = rng.integers(0, 2, n)
    groups = pd.DataFrame({"a": rng.random(n) < 0.5, "b": rng.random(n) < 0.3})
    s = np.clip(0.3 * y + 0.7 * rng.random(n) + 0.2 * groups["a"], 0, 1)
    return bias_metrics(y, s, groups=groups, config=BiasConfig(n_bootstrap=50, min_group_size=5))


def _title(fig: dict) -> str:
    return fig["layout"]["title"]["text"]


def test_auc_figure(table: pd.DataFrame) -> None:
    fig = auc_figure(table).to_dict()
    assert [t["name"] for t in fig["data"]] == ["Subgroup AUC", "BPSN AUC", "BNSP AUC"]
    bar = fig["data"][1]
    assert list(bar["x"]) == ["a", "b"]  # no overall bar
    a = table.iloc[0]
    assert bar["y"][0] == pytest.approx(a["bpsn_auc"])
    assert bar["error_y"]["array"][0] == pytest.approx(a["bpsn_auc_high"] - a["bpsn_auc"])
    assert bar["error_y"]["arrayminus"][0] == pytest.approx(a["bpsn_auc"] - a["bpsn_auc_low"])
    line = fig["layout"]["shapes"][0]
    assert line["y0"] == pytest.approx(table.iloc[-1]["subgroup_auc"])
    assert "good when" in _title(fig) and "\n" not in _title(fig)


def test_error_rate_figure(table: pd.DataFrame) -> None:
    fig = error_rate_figure(table).to_dict()
    assert [t["name"] for t in fig["data"]][:2] == ["False positive rate", "False negative rate"]
    assert fig["data"][0]["y"][1] == pytest.approx(table.iloc[1]["fpr"])
    assert fig["data"][1]["error_y"]["visible"] is True
    assert len(fig["layout"]["shapes"]) == 2
    assert "good when" in _title(fig)


def test_heatmap_colours_worse_than_overall_as_negative(table: pd.DataFrame) -> None:
    fig = metric_heatmap(table).to_dict()
    heat = fig["data"][0]
    assert list(heat["y"]) == ["a", "b"]
    assert list(heat["x"]) == ["subgroup_auc", "bpsn_auc", "bnsp_auc", "fpr", "fnr", "precision"]
    a, overall = table.iloc[0], table.iloc[-1]
    assert heat["z"][0][0] == pytest.approx(a["subgroup_auc"] - overall["subgroup_auc"])
    assert heat["z"][0][3] == pytest.approx(overall["fpr"] - a["fpr"])  # higher FPR is worse
    assert heat["text"][0][3] == f"{a['fpr']:.3f}"
    assert heat["zmid"] == 0
    assert "good when" in _title(fig)


def test_overall_rates_are_named_in_the_legend_not_in_labels_that_overlap() -> None:
    table = pd.DataFrame(
        {
            "group": ["a", "b", OVERALL],
            "fpr": [0.10, 0.12, 0.110],
            "fnr": [0.11, 0.09, 0.112],  # the two overall rates are 0.002 apart
        }
    )
    fig = error_rate_figure(table).to_dict()
    names = [t["name"] for t in fig["data"]]
    assert "overall false positive rate 0.110" in names and "overall false negative rate 0.112" in names
    assert not [a for a in fig["layout"].get("annotations", []) if "overall" in a.get("text", "")]
    lines = {t["name"]: t["line"]["color"] for t in fig["data"] if t["type"] == "scatter"}
    assert [s["line"]["color"] for s in fig["layout"]["shapes"]] == list(lines.values())  # line matches its entry


def test_heatmap_greys_cells_whose_interval_is_too_wide() -> None:
    table = pd.DataFrame(
        {
            "group": ["small", "large", OVERALL],
            "n": [8, 900, 2000],
            "subgroup_auc": [0.62, 0.80, 0.85],
            "subgroup_auc_low": [0.30, 0.77, 0.83],
            "subgroup_auc_high": [0.90, 0.83, 0.87],
            "bpsn_auc": [0.57, 0.79, np.nan],
            "bpsn_auc_low": [0.27, 0.76, np.nan],
            "bpsn_auc_high": [0.92, 0.82, np.nan],
        }
    )
    fig = metric_heatmap(table, ("subgroup_auc", "bpsn_auc"), names={"bpsn_auc": "BPSN AUC"}).to_dict()
    heat, grey = fig["data"]
    assert heat["x"] == ["subgroup_auc", "BPSN AUC"] and grey["name"] == "inconclusive"
    assert heat["z"][0][0] is None and heat["z"][0][1] is None  # not painted red
    assert heat["z"][1][0] == pytest.approx(0.80 - 0.85)  # the large group keeps its colour
    assert grey["z"][0] == [1.0, 1.0] and grey["z"][1] == [None, None]
    assert heat["text"][0][1] == "0.570?" and heat["text"][1][1] == "0.790"
    assert "95% interval 0.27-0.92" in heat["customdata"][0][1]
    assert "Inconclusive: the interval is wider than 0.20" in heat["customdata"][0][1]
    assert "Inconclusive" not in heat["customdata"][1][1]
    assert "grey with '?': inconclusive" in _title(fig)


def test_template_figure() -> None:
    by_term = pd.DataFrame(
        {
            "group": ["muslim", "women", "overall"],
            "term": ["muslims", "women", ""],
            "terms": ["muslim", "woman", ""],
            "n_harmless": [2, 2, 4],
            "n_hostile": [1, 1, 2],
            "mean_harmless": [0.7, 0.2, 0.45],
            "mean_hostile": [1.0, 0.5, 0.75],
            "auc": [1.0, 1.0, 0.75],
        }
    )
    fig = template_figure(by_term).to_dict()
    harmless, auc = fig["data"]
    assert list(harmless["y"]) == ["muslims (muslim)", "women (women)"]
    assert list(harmless["x"]) == [0.7, 0.2] and list(auc["x"]) == [1.0, 1.0]
    assert harmless["orientation"] == "h"
    assert "good when" in _title(fig)


def test_flag_rate_and_counterfactual_figures() -> None:
    groups = pd.DataFrame({"g": [True, True, False, False]})
    config = BiasConfig(n_bootstrap=0, min_group_size=1)
    flags = flag_rate_metrics([0.9, 0.6, 0.7, 0.1], groups=groups, config=config)
    fig = flag_rate_figure(flags).to_dict()
    assert list(fig["data"][0]["y"]) == [pytest.approx(2.0)]
    assert fig["layout"]["shapes"][0]["y0"] == 1.0
    scored = pd.DataFrame({"post": [0, 0], "source_group": ["g", "g"], "change": [-0.2, 0.4]})
    gap = counterfactual_gap(scored)
    fig = counterfactual_figure(gap).to_dict()
    assert list(fig["data"][0]["x"]) == ["g"]
    assert list(fig["data"][0]["y"]) == [pytest.approx(0.3)]
    assert "good when" in _title(fig)
