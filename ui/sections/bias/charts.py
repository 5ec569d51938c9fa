"""What the Bias page's charts and tables share: metric names and help, numbers, the heatmap, keyed charts."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.bias import figures as bias_figures
from core.bias.inputs import OVERALL
from ui.components.safe_text import plotly_text

CHARTS = "modlens.bias.chart"

METRIC_NAMES = {
    "subgroup_auc": "Subgroup AUC",
    "bpsn_auc": "BPSN AUC",
    "bnsp_auc": "BNSP AUC",
    "fpr": "FPR",
    "fnr": "FNR",
    "precision": "Precision",
    "mean_score_neg": "Mean score (negatives)",
    "mean_score_pos": "Mean score (positives)",
    "mean_score": "Mean score",
    "flag_rate": "Flag rate",
    "background_flag_rate": "Flag rate of other posts",
    "flag_rate_ratio": "Flag rate ratio",
}
METRIC_HELP = {
    "subgroup_auc": "How well the model separates positive from negative posts within the group (1 = perfectly).",
    "bpsn_auc": "Background positives vs the group's negatives. Low: the group's harmless posts score like "
    "toxic posts of others (false alarms).",
    "bnsp_auc": "Background negatives vs the group's positives. Low: the group's toxic posts score like "
    "harmless posts of others (misses).",
    "fpr": "False positive rate at the threshold: share of the group's negative posts that are flagged.",
    "fnr": "False negative rate at the threshold: share of the group's positive posts that are not flagged.",
    "precision": "Share of the group's flagged posts that are positive.",
    "mean_score_neg": "Mean score of the group's negative posts.",
    "mean_score_pos": "Mean score of the group's positive posts.",
    "mean_score": "Mean score of the group's posts.",
    "flag_rate": "Share of the group's posts flagged at the threshold.",
    "background_flag_rate": "Share of the posts outside the group flagged at the threshold.",
    "flag_rate_ratio": "Flag rate of the group / flag rate of the other posts (1 = flagged as often).",
}


def chart_key(kind: str) -> str:
    """Element key of a chart (``auc``, ``errors``, ``heatmap``, ``flags``, ``templates``, ``swaps``)."""
    return f"{CHARTS}.{kind}"


def plot_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Copy of a metrics table with HTML-escaped group names, so plotly shows them literally."""
    return plotly_text(table, "group")


def heatmap_figure(table: pd.DataFrame) -> go.Figure:
    """:func:`core.bias.figures.metric_heatmap` with readable metric names (inconclusive cells greyed).

    BPSN and BNSP AUC have no value on the overall row (there is no
    background there); they are coloured against the overall AUC instead.
    """
    base = plot_safe(table)
    overall = base["group"] == OVERALL
    for metric in ("bpsn_auc", "bnsp_auc"):
        if metric in base:
            base.loc[overall, metric] = base.loc[overall, "subgroup_auc"]
    figure = bias_figures.metric_heatmap(base, names=METRIC_NAMES)
    figure.update_layout(height=max(320, 160 + 30 * len(figure.data[0].y)))
    return figure


def number(value: float, digits: int = 3) -> str:
    """A metric for display; an en dash when undefined."""
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def chart(figure: object, kind: str, good: str) -> None:
    """A chart in a keyed container (``modlens.bias.<kind>``), with one line saying what a good result looks like."""
    with st.container(key=f"modlens.bias.{kind}"):
        st.plotly_chart(figure, key=chart_key(kind))
        st.caption(good)
