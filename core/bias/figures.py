"""Plotly figures of the bias tables: pure ``DataFrame -> Figure`` functions.

Each title says in one line what a good result looks like, so that a
reader who knows nothing about BPSN or AUC can still judge the chart.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.bias.inputs import OVERALL
from core.bias.table import ci_columns

__all__ = [
    "auc_figure",
    "counterfactual_figure",
    "error_rate_figure",
    "flag_rate_figure",
    "metric_heatmap",
    "template_figure",
]

AUC_LABELS = {"subgroup_auc": "Subgroup AUC", "bpsn_auc": "BPSN AUC", "bnsp_auc": "BNSP AUC"}
RATE_LABELS = {"fpr": "False positive rate", "fnr": "False negative rate"}
#: Metrics where a larger value is better; all others are better when smaller.
HIGHER_IS_BETTER = frozenset({"subgroup_auc", "bpsn_auc", "bnsp_auc", "precision"})


def _split(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series | None]:
    """Group rows and the overall row (None if absent)."""
    is_overall = table["group"] == OVERALL
    overall = table[is_overall].iloc[0] if is_overall.any() else None
    return table[~is_overall], overall


def _error_bars(rows: pd.DataFrame, metric: str) -> dict[str, object]:
    low, high = ci_columns(metric)
    if low not in rows or high not in rows:
        return {"visible": False}
    value = rows[metric].to_numpy(dtype=float)
    return {
        "type": "data",
        "symmetric": False,
        "array": (rows[high].to_numpy(dtype=float) - value).tolist(),
        "arrayminus": (value - rows[low].to_numpy(dtype=float)).tolist(),
        "visible": True,
    }


def _bars(rows: pd.DataFrame, labels: dict[str, str]) -> list[go.Bar]:
    return [
        go.Bar(
            name=label,
            x=rows["group"].tolist(),
            y=rows[metric].to_numpy(dtype=float).tolist(),
            error_y=_error_bars(rows, metric),
        )
        for metric, label in labels.items()
        if metric in rows
    ]


def auc_figure(table: pd.DataFrame) -> go.Figure:
    """Subgroup, BPSN and BNSP AUC per group with CIs and the overall AUC as a line."""
    rows, overall = _split(table)
    fig = go.Figure(_bars(rows, AUC_LABELS))
    if overall is not None and np.isfinite(overall["subgroup_auc"]):
        fig.add_hline(
            y=float(overall["subgroup_auc"]),
            line_dash="dash",
            annotation_text=f"overall AUC {overall['subgroup_auc']:.3f}",
        )
    fig.update_layout(
        title="AUC by identity group: good when every bar is high and near the overall AUC line",
        barmode="group",
        xaxis_title="Identity group",
        yaxis={"title": "AUC", "range": [0, 1.05]},
    )
    return fig


def error_rate_figure(table: pd.DataFrame) -> go.Figure:
    """False positive and false negative rates per group with CIs."""
    rows, overall = _split(table)
    fig = go.Figure(_bars(rows, RATE_LABELS))
    if overall is not None:
        for metric, label in RATE_LABELS.items():
            if metric in overall and np.isfinite(overall[metric]):
                fig.add_hline(
                    y=float(overall[metric]),
                    line_dash="dot",
                    annotation_text=f"overall {label.lower()} {overall[metric]:.3f}",
                )
    fig.update_layout(
        title="Error rates by identity group: good when both rates are low and alike for all groups",
        barmode="group",
        xaxis_title="Identity group",
        yaxis={"title": "Rate", "range": [0, 1.05]},
    )
    return fig


def metric_heatmap(
    table: pd.DataFrame,
    metrics: Sequence[str] = ("subgroup_auc", "bpsn_auc", "bnsp_auc", "fpr", "fnr", "precision"),
) -> go.Figure:
    """Groups x metrics, coloured by how much worse than overall each cell is.

    The colour is the difference to the overall row, signed so that negative
    (red) is always worse (lower AUC, higher error rate); the cell text is
    the metric itself. Without an overall row the colour is the raw value.
    """
    rows, overall = _split(table)
    metrics = [m for m in metrics if m in rows]
    values = rows[metrics].to_numpy(dtype=float)
    if overall is not None:
        base = np.array([overall[m] for m in metrics], dtype=float)
        sign = np.array([1.0 if m in HIGHER_IS_BETTER else -1.0 for m in metrics])
        z = np.where(np.isnan(base), np.nan, (values - base) * sign)
        colour = {"colorscale": "RdBu", "zmid": 0.0, "colorbar": {"title": "vs overall"}}
    else:
        z, colour = values, {"colorscale": "Viridis"}
    fig = go.Figure(
        go.Heatmap(
            z=z.tolist(),
            x=metrics,
            y=rows["group"].tolist(),
            text=np.round(values, 3).tolist(),
            texttemplate="%{text}",
            **colour,
        )
    )
    fig.update_layout(
        title="Bias metrics by group: good when no cell is red (no group worse than overall)",
        xaxis_title="Metric",
        yaxis={"title": "Identity group", "autorange": "reversed"},
    )
    return fig


def template_figure(by_term: pd.DataFrame) -> go.Figure:
    """Templated test per term: mean harmless score and harmless-vs-hostile AUC."""
    rows, _ = _split(by_term)
    if "term" in rows:
        labels = [f"{t} ({g})" for g, t in zip(rows["group"], rows["term"], strict=True)]
    else:
        labels = rows["group"].tolist()
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        subplot_titles=("Mean score of harmless sentences", "AUC hostile vs harmless"),
    )
    fig.add_trace(
        go.Bar(name="mean harmless score", y=labels, x=rows["mean_harmless"].tolist(), orientation="h"),
        row=1,
        col=1,
    )
    fig.add_trace(go.Bar(name="AUC", y=labels, x=rows["auc"].tolist(), orientation="h"), row=1, col=2)
    fig.update_xaxes(range=[0, 1], row=1, col=1)
    fig.update_xaxes(range=[0, 1], row=1, col=2)
    fig.update_layout(
        title="Templated identity test: good when harmless scores are low and AUC is near 1 for every term",
        showlegend=False,
        height=200 + 18 * len(labels),
        yaxis={"autorange": "reversed"},
    )
    return fig


def flag_rate_figure(table: pd.DataFrame) -> go.Figure:
    """Flag-rate ratio (group vs the rest) per group with CIs, line at 1."""
    rows, _ = _split(table)
    fig = go.Figure(_bars(rows, {"flag_rate_ratio": "Flag rate ratio"}))
    fig.add_hline(y=1.0, line_dash="dash", annotation_text="same rate as other posts")
    fig.update_layout(
        title="Flag rate vs other posts by group: good when every ratio is close to 1",
        xaxis_title="Identity group",
        yaxis_title="Group flag rate / flag rate of other posts",
    )
    return fig


def counterfactual_figure(gap: pd.DataFrame) -> go.Figure:
    """Mean absolute score change per group when its terms are swapped."""
    rows, _ = _split(gap)
    fig = go.Figure(
        go.Bar(
            name="mean |change|",
            x=rows["group"].tolist(),
            y=rows["mean_abs_change"].to_numpy(dtype=float).tolist(),
        )
    )
    fig.update_layout(
        title="Score change when a group's terms are swapped: good when every bar is near 0",
        xaxis_title="Identity group mentioned in the post",
        yaxis_title="Mean absolute change in score",
    )
    return fig
