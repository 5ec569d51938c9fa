"""Plotly figures of the bias tables: pure ``DataFrame -> Figure`` functions.

Each title says in one line what a good result looks like, so that a
reader who knows nothing about BPSN or AUC can still judge the chart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.bias.inputs import OVERALL
from core.bias.table import ci_columns

__all__ = [
    "INCONCLUSIVE_WIDTH",
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
RATE_COLOURS = ("#636efa", "#ef553b")
"""Colours of the false positive and false negative rate (bars and their overall line)."""
INCONCLUSIVE_WIDTH = 0.2
"""A heatmap cell whose 95% interval is wider than this is inconclusive (greyed).

An interval 0.2 wide spans the difference between a group treated like everyone
(AUC near overall) and one treated clearly worse; wider, the cell cannot tell them apart."""
INCONCLUSIVE_COLOUR = "#d1d5db"


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
    """False positive and false negative rates per group with CIs; the overall rates as dotted lines.

    The overall rates are named in the legend (one entry per line, in the line's colour),
    not in labels on the chart, where two close rates would print on top of each other.
    """
    rows, overall = _split(table)
    fig = go.Figure(_bars(rows, RATE_LABELS))
    if overall is not None:
        for (metric, label), colour in zip(RATE_LABELS.items(), RATE_COLOURS, strict=True):
            if metric in overall and np.isfinite(overall[metric]):
                value = float(overall[metric])
                fig.add_hline(y=value, line_dash="dot", line_color=colour)
                fig.add_trace(
                    go.Scatter(
                        x=[None],
                        y=[None],
                        mode="lines",
                        line={"dash": "dot", "color": colour},
                        name=f"overall {label.lower()} {value:.3f}",
                    )
                )
    fig.update_layout(
        title="Error rates by identity group: good when both rates are low and alike for all groups",
        barmode="group",
        colorway=list(RATE_COLOURS),
        xaxis_title="Identity group",
        yaxis={"title": "Rate", "range": [0, 1.05]},
    )
    return fig


def _cells(values: np.ndarray) -> list[list[float | None]]:
    """Rows of cell values with None where a value is undefined (an empty cell, also in the figure's JSON)."""
    return [[float(v) if np.isfinite(v) else None for v in row] for row in values]


def _interval_widths(rows: pd.DataFrame, metrics: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Low and high ends of each cell's 95% interval and its width (NaN where there is none)."""
    shape = (len(rows), len(metrics))
    low, high = np.full(shape, np.nan), np.full(shape, np.nan)
    for j, metric in enumerate(metrics):
        low_col, high_col = ci_columns(metric)
        if low_col in rows and high_col in rows:
            low[:, j] = rows[low_col].to_numpy(dtype=float)
            high[:, j] = rows[high_col].to_numpy(dtype=float)
    return low, high, high - low


def metric_heatmap(
    table: pd.DataFrame,
    metrics: Sequence[str] = ("subgroup_auc", "bpsn_auc", "bnsp_auc", "fpr", "fnr", "precision"),
    *,
    max_interval_width: float = INCONCLUSIVE_WIDTH,
    names: Mapping[str, str] | None = None,
) -> go.Figure:
    """Groups x metrics, coloured by how much worse than overall each cell is; too-uncertain cells greyed.

    The colour is the difference to the overall row, signed so that negative
    (red) is always worse (lower AUC, higher error rate); the cell text is
    the metric itself. Without an overall row the colour is the raw value.

    A cell whose 95% interval is wider than ``max_interval_width`` is inconclusive
    (a group of a few posts: BPSN 0.57 with interval 0.27-0.92 could be fine or
    bad): it is grey instead of red or blue, its number ends in "?", and hovering
    it says why. ``names`` gives display names of the metrics (default: their keys).
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
    low, high, width = _interval_widths(rows, metrics)
    inconclusive = np.nan_to_num(width, nan=0.0) > max_interval_width
    shown = [str((names or {}).get(m, m)) for m in metrics]
    groups = rows["group"].astype(str).tolist()
    text, hover = [], []
    for i, group in enumerate(groups):
        text.append([])
        hover.append([])
        for j, name in enumerate(shown):
            value = values[i, j]
            number = "" if not np.isfinite(value) else f"{value:.3f}" + ("?" if inconclusive[i, j] else "")
            text[i].append(number)
            detail = f"{group} · {name}: {value:.3f}" if np.isfinite(value) else f"{group} · {name}: undefined"
            if np.isfinite(low[i, j]) and np.isfinite(high[i, j]):
                detail += f" (95% interval {low[i, j]:.2f}-{high[i, j]:.2f})"
            if inconclusive[i, j]:
                detail += (
                    f"<br>Inconclusive: the interval is wider than {max_interval_width:.2f}, "
                    "too few posts to tell whether the group is treated worse."
                )
            hover[i].append(detail)
    common = {
        "x": shown,
        "y": groups,
        "text": text,
        "texttemplate": "%{text}",
        "customdata": hover,
        "hovertemplate": "%{customdata}<extra></extra>",
    }
    fig = go.Figure(go.Heatmap(z=_cells(np.where(inconclusive, np.nan, z)), name="vs overall", **common, **colour))
    if inconclusive.any():
        fig.add_trace(
            go.Heatmap(
                z=_cells(np.where(inconclusive, 1.0, np.nan)),
                colorscale=[[0.0, INCONCLUSIVE_COLOUR], [1.0, INCONCLUSIVE_COLOUR]],
                showscale=False,
                name="inconclusive",
                **common,
            )
        )
    fig.update_layout(
        title="Bias metrics by group: good when no cell is red (no group worse than overall); "
        f"grey with '?': inconclusive (95% interval wider than {max_interval_width:.2f})",
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
