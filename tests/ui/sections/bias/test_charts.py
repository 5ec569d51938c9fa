"""The Bias page's chart helpers: group names escaped for Plotly, readable heatmap, numbers for display."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from core.bias import OVERALL
from ui.sections.bias import charts


def test_plot_safe_escapes_group_names() -> None:
    table = pd.DataFrame({"group": ["a<b>&", OVERALL], "n": [1, 2]})
    assert charts.plot_safe(table)["group"].tolist() == ["a&lt;b&gt;&amp;", OVERALL]
    assert table["group"].tolist()[0] == "a<b>&"


def test_number_shows_a_dash_when_undefined() -> None:
    assert charts.number(0.12345) == "0.123"
    assert charts.number(math.nan) == "–"
    assert charts.number(1.5, 2) == "1.50"


def test_heatmap_has_readable_names_and_empty_cells_for_undefined_values() -> None:
    table = pd.DataFrame(
        {
            "group": ["muslim", OVERALL],
            "n": [10, 100],
            "subgroup_auc": [0.7, 0.9],
            "bpsn_auc": [0.6, np.nan],
            "bnsp_auc": [np.nan, np.nan],
        }
    )
    trace = charts.heatmap_figure(table).to_dict()["data"][0]
    assert list(trace["x"]) == ["Subgroup AUC", "BPSN AUC", "BNSP AUC"]
    assert trace["text"][0][2] == ""  # undefined, not 'null' or 'nan'
