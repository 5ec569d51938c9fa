"""ROC and precision-recall curves of one label, with operating points marked.

:func:`roc_figure` / :func:`pr_figure` draw one set of scores with the point at a
threshold; :func:`roc_curves` / :func:`pr_curves` draw several models
(:class:`CurveSeries`) on the same labelled posts, each with its named points.
Pure ``data -> Figure`` functions, no Streamlit; curves are thinned to at most
:data:`core.plots.style.MAX_CURVE_POINTS` points and names are escaped.
Operating points come from :func:`core.evaluation.thresholds.operating_point_at`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go
from sklearn.metrics import auc, average_precision_score, precision_recall_curve, roc_curve

from core.evaluation.thresholds import OperatingPoint, operating_point_at
from core.plots.style import (
    CLEAR_COLOR,
    FLAG_COLOR,
    MUTED_COLOR,
    SERIES_COLORS,
    escape,
    known_rows,
    labelled_figure,
    note_needs_both_classes,
    one_class_figure,
    thin,
)

__all__ = ["CurveSeries", "pr_curves", "pr_figure", "roc_curves", "roc_figure"]

POINT_SYMBOLS = ("x", "diamond", "circle", "square")
_RATES: dict[str, Callable[[OperatingPoint], float]] = {
    "fpr": lambda point: point.false_positive_rate,
    "tpr": lambda point: point.recall,
    "precision": lambda point: point.precision,
}
"""Marker coordinates by name: false positive rate, true positive rate (recall), precision."""


def roc_figure(truth: np.ndarray, scores: np.ndarray, *, label: str, threshold: float) -> go.Figure:
    """ROC curve of one label on the rows with a known label, with the operating point at ``threshold``."""
    y, s = known_rows(truth, scores)
    if len(np.unique(y)) < 2:
        return one_class_figure(label, "ROC curve")
    fpr, tpr, _ = roc_curve(y, s)
    area = auc(fpr, tpr)
    x, yy = thin(fpr, tpr)
    point = operating_point_at(truth, scores, threshold, require_both_classes=False)
    fig = go.Figure()
    chance = {"color": MUTED_COLOR, "dash": "dot"}
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance", line=chance))
    fig.add_trace(go.Scatter(x=x, y=yy, mode="lines", name=f"ROC (AUC {area:.3f})", line={"color": CLEAR_COLOR}))
    fig.add_trace(
        go.Scatter(
            x=[point.false_positive_rate],
            y=[point.recall],
            mode="markers",
            name=f"threshold {threshold:.3f}",
            marker={"color": FLAG_COLOR, "size": 12, "symbol": "x"},
            hovertemplate="FPR %{x:.3f}, TPR %{y:.3f}<extra>threshold</extra>",
        )
    )
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02])
    return labelled_figure(
        fig, f"{escape(label)}: ROC curve, AUC {area:.3f}", "false positive rate", "true positive rate"
    )


def pr_figure(truth: np.ndarray, scores: np.ndarray, *, label: str, threshold: float) -> go.Figure:
    """Precision-recall curve of one label, with the operating point at ``threshold``."""
    y, s = known_rows(truth, scores)
    if len(np.unique(y)) < 2:
        return one_class_figure(label, "precision-recall curve")
    precision, recall, _ = precision_recall_curve(y, s)
    ap = average_precision_score(y, s)
    x, yy = thin(recall[::-1], precision[::-1])
    point = operating_point_at(truth, scores, threshold, require_both_classes=False)
    fig = go.Figure()
    fig.add_hline(y=float(y.mean()), line={"color": MUTED_COLOR, "dash": "dot"})
    fig.add_trace(
        go.Scatter(x=x, y=yy, mode="lines", name=f"PR (AP {ap:.3f})", line={"color": CLEAR_COLOR, "shape": "hv"})
    )
    fig.add_trace(
        go.Scatter(
            x=[point.recall],
            y=[None if math.isnan(point.precision) else point.precision],
            mode="markers",
            name=f"threshold {threshold:.3f}",
            marker={"color": FLAG_COLOR, "size": 12, "symbol": "x"},
            hovertemplate="recall %{x:.3f}, precision %{y:.3f}<extra>threshold</extra>",
        )
    )
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02])
    return labelled_figure(fig, f"{escape(label)}: precision-recall, AP {ap:.3f}", "recall", "precision")


@dataclass(frozen=True)
class CurveSeries:
    """One model's scores of one label on labelled posts, with the thresholds to mark.

    Parameters
    ----------
    name
        Legend name, e.g. ``"v2"``.
    truth
        Labels (1, 0, NaN unknown: left out).
    scores
        Scores of the same posts.
    points
        Marker name -> threshold, e.g. ``{"threshold 0.500": 0.5}``.

    """

    name: str
    truth: np.ndarray
    scores: np.ndarray
    points: Mapping[str, float] = field(default_factory=dict)


def _point_traces(series: CurveSeries, color: str, x_key: str, y_key: str, *, alone: bool) -> list[go.Scatter]:
    """Markers of a series' operating points: the first in the flag colour when the series is alone."""
    traces = []
    for k, (name, threshold) in enumerate(series.points.items()):
        point = operating_point_at(series.truth, series.scores, threshold, require_both_classes=False)
        x, y = _RATES[x_key](point), _RATES[y_key](point)
        traces.append(
            go.Scatter(
                x=[None if math.isnan(x) else x],
                y=[None if math.isnan(y) else y],
                mode="markers",
                name=escape(f"{series.name}: {name}"),
                marker={
                    "color": FLAG_COLOR if alone and k == 0 else color,
                    "size": 13,
                    "symbol": POINT_SYMBOLS[k % len(POINT_SYMBOLS)],
                    "line": {"width": 1, "color": color},
                },
                hovertemplate=f"threshold {threshold:.3f}: ({x_key} %{{x:.3f}}, {y_key} %{{y:.3f}})<extra></extra>",
            )
        )
    return traces


def roc_curves(series: Sequence[CurveSeries], *, label: str) -> go.Figure:
    """ROC curves of one label for one or more models, each with its operating points marked.

    A series whose labelled posts lack a class is left out (noted in the title).
    """
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance", line={"color": MUTED_COLOR, "dash": "dot"})
    )
    areas = []
    for i, one in enumerate(series):
        y, s = known_rows(one.truth, one.scores)
        if len(np.unique(y)) < 2:
            continue
        color = SERIES_COLORS[i % len(SERIES_COLORS)]
        fpr, tpr, _ = roc_curve(y, s)
        area = auc(fpr, tpr)
        areas.append(f"{one.name} {area:.3f}")
        x, yy = thin(fpr, tpr)
        fig.add_trace(
            go.Scatter(x=x, y=yy, mode="lines", name=escape(f"{one.name} (AUC {area:.3f})"), line={"color": color})
        )
        for trace in _point_traces(one, color, "fpr", "tpr", alone=len(series) == 1):
            fig.add_trace(trace)
    if not areas:
        note_needs_both_classes(fig)
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02])
    title = f"{label}: ROC curve" + (f", AUC {', '.join(areas)}" if areas else "")
    return labelled_figure(fig, escape(title), "false positive rate", "true positive rate (recall)")


def pr_curves(series: Sequence[CurveSeries], *, label: str) -> go.Figure:
    """Precision-recall curves of one label for one or more models, each with its operating points marked."""
    fig = go.Figure()
    aps = []
    for i, one in enumerate(series):
        y, s = known_rows(one.truth, one.scores)
        if len(np.unique(y)) < 2:
            continue
        color = SERIES_COLORS[i % len(SERIES_COLORS)]
        precision, recall, _ = precision_recall_curve(y, s)
        ap = average_precision_score(y, s)
        aps.append(f"{one.name} {ap:.3f}")
        x, yy = thin(recall[::-1], precision[::-1])
        fig.add_trace(
            go.Scatter(
                x=x, y=yy, mode="lines", name=escape(f"{one.name} (AP {ap:.3f})"), line={"color": color, "shape": "hv"}
            )
        )
        for trace in _point_traces(one, color, "tpr", "precision", alone=len(series) == 1):
            fig.add_trace(trace)
        if i == 0:
            fig.add_hline(y=float(y.mean()), line={"color": MUTED_COLOR, "dash": "dot"})
    if not aps:
        note_needs_both_classes(fig)
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02])
    title = f"{label}: precision-recall" + (f", AP {', '.join(aps)}" if aps else "")
    return labelled_figure(fig, escape(title), "recall", "precision")
