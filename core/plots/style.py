"""The look every ModLens score figure shares: colours, layout, escaped names and thinned curves.

Helpers of :mod:`core.plots.scores`, :mod:`core.plots.curves` and
:mod:`core.plots.training`. Plotly renders a subset of HTML in titles and legend
names, so names pass through :func:`escape` before they go into a figure.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

__all__ = [
    "CLEAR_COLOR",
    "FLAG_COLOR",
    "MAX_CURVE_POINTS",
    "MUTED_COLOR",
    "SERIES_COLORS",
    "escape",
    "known_rows",
    "labelled_figure",
    "note_needs_both_classes",
    "one_class_figure",
    "thin",
    "threshold_line",
]

MAX_CURVE_POINTS = 1_000
"""Most points a drawn curve keeps, however many posts it was computed on."""
FLAG_COLOR = "#B42318"
CLEAR_COLOR = "#2E90FA"
MUTED_COLOR = "#98A2B3"
SERIES_COLORS = (CLEAR_COLOR, "#F79009", "#12B76A", "#7A5AF8")
"""Colours of the models (or training runs) drawn side by side, in order."""


def escape(name: str) -> str:
    """A name (label, model, dataset) safe inside Plotly's HTML-like text."""
    return html.escape(str(name))


def known_rows(truth: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Labels (as int) and scores of the rows whose label is known (not NaN)."""
    truth = np.asarray(truth, dtype=float)
    scores = np.asarray(scores, dtype=float)
    known = ~np.isnan(truth)
    return truth[known].astype(int), scores[known]


def threshold_line(fig: go.Figure, threshold: float) -> None:
    """A dashed vertical line at ``threshold``, labelled with its value."""
    fig.add_vline(
        x=threshold,
        line={"color": FLAG_COLOR, "width": 2, "dash": "dash"},
        annotation={"text": f"threshold {threshold:.3f}", "font": {"color": FLAG_COLOR}},
        annotation_position="top right",
    )


def labelled_figure(fig: go.Figure, title: str, xaxis: str, yaxis: str) -> go.Figure:
    """``fig`` with its title, axis titles, margins and the legend below the plot."""
    fig.update_layout(
        title={"text": title},
        xaxis_title=xaxis,
        yaxis_title=yaxis,
        margin={"l": 55, "r": 20, "t": 50, "b": 90},
        height=380,
        legend={"orientation": "h", "yanchor": "top", "y": -0.22, "xanchor": "left", "x": 0.0},
    )
    return fig


def thin(*arrays: np.ndarray, limit: int = MAX_CURVE_POINTS) -> list[list[float]]:
    """Keep at most ``limit`` evenly spaced points (always the first and last)."""
    n = len(arrays[0])
    if n <= limit:
        return [a.tolist() for a in arrays]
    idx = np.unique(np.linspace(0, n - 1, limit).round().astype(int))
    return [a[idx].tolist() for a in arrays]


def note_needs_both_classes(fig: go.Figure) -> go.Figure:
    """Write in the middle of ``fig`` that the curve needs positive and negative labelled posts."""
    fig.add_annotation(
        text="needs posts labelled both positive and negative",
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
    )
    return fig


def one_class_figure(label: str, what: str) -> go.Figure:
    """An empty figure titled ``<label>: <what>`` that says why there is no curve."""
    fig = note_needs_both_classes(go.Figure())
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return labelled_figure(fig, f"{escape(label)}: {what}", "", "")
