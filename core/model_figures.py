"""Plotly figures of the Model page: training curves, and ROC / precision-recall curves with operating points.

Pure ``data -> Figure`` functions, no Streamlit and no TensorFlow (training
progress comes in as plain records). Like :mod:`core.figures`, curves are thinned
to at most :data:`core.figures.MAX_CURVE_POINTS` points and names are escaped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from sklearn.metrics import auc, average_precision_score, precision_recall_curve, roc_curve

from core.figures import (
    CLEAR_COLOR,
    FLAG_COLOR,
    MUTED_COLOR,
    _known,
    _label,
    _layout,
    _thin,
    note_needs_both_classes,
    operating_point,
)

__all__ = ["CurveSeries", "pr_curves", "reliability_figure", "roc_curves", "training_figure"]

SERIES_COLORS = (CLEAR_COLOR, "#F79009", "#12B76A", "#7A5AF8")
POINT_SYMBOLS = ("x", "diamond", "circle", "square")
RUN_NAMES = ("run 1", "run 2", "run 3")


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


def training_figure(events: Sequence[Mapping[str, Any]], *, title: str = "Training") -> go.Figure:
    """Training loss (per batch report) and validation ROC AUC (per epoch), side by side.

    Parameters
    ----------
    events
        Progress records with keys ``phase`` (``batch`` / ``epoch``), ``epoch``,
        ``batch``, ``batches``, ``loss``, ``val_auc`` and optionally ``run`` (0, 1, ...
        when one training fits several models, e.g. a baseline then a debiased one).
    title
        Figure title.

    Returns
    -------
    go.Figure
        Loss against epochs (fractional: epoch 1.5 is half-way through the second)
        on the left, validation AUC at the end of each epoch on the right; the
        x axes reach one epoch beyond the last one reported.

    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=("training loss", "validation ROC AUC"))
    runs = sorted({int(e.get("run", 0)) for e in events})
    for run in runs:
        color = SERIES_COLORS[run % len(SERIES_COLORS)]
        mine = [e for e in events if int(e.get("run", 0)) == run]
        name = RUN_NAMES[run] if len(runs) > 1 and run < len(RUN_NAMES) else "training"
        losses = [e for e in mine if e["phase"] == "batch"] or [e for e in mine if e["phase"] == "epoch"]
        x = [e["epoch"] - 1 + (e["batch"] / e["batches"] if e["batches"] else 1.0) for e in losses]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[float(e["loss"]) for e in losses],
                mode="lines+markers",
                name=f"{name}: loss",
                line={"color": color},
                marker={"size": 4},
                hovertemplate="epoch %{x:.2f}: loss %{y:.4f}<extra></extra>",
            ),
            row=1,
            col=1,
        )
        epochs = [e for e in mine if e["phase"] == "epoch" and not _nan(e.get("val_auc"))]
        fig.add_trace(
            go.Scatter(
                x=[e["epoch"] for e in epochs],
                y=[float(e["val_auc"]) for e in epochs],
                mode="lines+markers",
                name=f"{name}: validation AUC",
                line={"color": color, "dash": "dot"},
                marker={"size": 8},
                hovertemplate="epoch %{x}: validation AUC %{y:.4f}<extra></extra>",
            ),
            row=1,
            col=2,
        )
    total = max((int(e["epochs"]) for e in events), default=1)
    seen = max((int(e["epoch"]) for e in events), default=0)
    shown = max(1, min(total, seen + 1))  # the epochs so far and the next one, not all planned epochs
    fig.update_xaxes(title_text="epoch", range=[0, shown + 0.05], row=1, col=1)
    fig.update_xaxes(title_text="epoch", range=[0.5, shown + 0.5], dtick=1 if shown <= 20 else None, row=1, col=2)
    fig.update_yaxes(title_text="loss", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="ROC AUC", range=[0, 1.02], row=1, col=2)
    fig.update_layout(
        title={"text": _label(title)},
        height=360,
        margin={"l": 55, "r": 20, "t": 70, "b": 90},
        legend={"orientation": "h", "yanchor": "top", "y": -0.3, "xanchor": "left", "x": 0.0},
    )
    return fig


def _nan(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _point_traces(series: CurveSeries, color: str, x_key: str, y_key: str, *, alone: bool) -> list[go.Scatter]:
    """Markers of a series' operating points: the first in the flag colour when the series is alone."""
    traces = []
    for k, (name, threshold) in enumerate(series.points.items()):
        point = operating_point(series.truth, series.scores, threshold)
        x, y = point[x_key], point[y_key]
        traces.append(
            go.Scatter(
                x=[None if math.isnan(x) else x],
                y=[None if math.isnan(y) else y],
                mode="markers",
                name=_label(f"{series.name}: {name}"),
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
        y, s = _known(one.truth, one.scores)
        if len(np.unique(y)) < 2:
            continue
        color = SERIES_COLORS[i % len(SERIES_COLORS)]
        fpr, tpr, _ = roc_curve(y, s)
        area = auc(fpr, tpr)
        areas.append(f"{one.name} {area:.3f}")
        x, yy = _thin(fpr, tpr)
        fig.add_trace(
            go.Scatter(x=x, y=yy, mode="lines", name=_label(f"{one.name} (AUC {area:.3f})"), line={"color": color})
        )
        for trace in _point_traces(one, color, "fpr", "tpr", alone=len(series) == 1):
            fig.add_trace(trace)
    if not areas:
        note_needs_both_classes(fig)
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02])
    title = f"{label}: ROC curve" + (f", AUC {', '.join(areas)}" if areas else "")
    return _layout(fig, _label(title), "false positive rate", "true positive rate (recall)")


def pr_curves(series: Sequence[CurveSeries], *, label: str) -> go.Figure:
    """Precision-recall curves of one label for one or more models, each with its operating points marked."""
    fig = go.Figure()
    aps = []
    for i, one in enumerate(series):
        y, s = _known(one.truth, one.scores)
        if len(np.unique(y)) < 2:
            continue
        color = SERIES_COLORS[i % len(SERIES_COLORS)]
        precision, recall, _ = precision_recall_curve(y, s)
        ap = average_precision_score(y, s)
        aps.append(f"{one.name} {ap:.3f}")
        x, yy = _thin(recall[::-1], precision[::-1])
        fig.add_trace(
            go.Scatter(
                x=x, y=yy, mode="lines", name=_label(f"{one.name} (AP {ap:.3f})"), line={"color": color, "shape": "hv"}
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
    return _layout(fig, _label(title), "recall", "precision")


def reliability_figure(table: pd.DataFrame, *, label: str = "toxic") -> go.Figure:
    """Reliability curve: observed rate of ``label`` against mean score per bin, with the diagonal.

    ``table`` is :func:`core.calibration.reliability_table` (columns ``mean_score``,
    ``observed_rate``, ``n``); empty bins are skipped, marker size shows each bin's
    share of posts. A table without posts gives an empty chart with a note.
    """
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, 1], y=[0, 1], mode="lines", name="perfectly calibrated", line={"color": MUTED_COLOR, "dash": "dash"}
        )
    )
    filled = table[table["n"] > 0] if len(table) else table
    total = float(filled["n"].sum()) if len(filled) else 0.0
    if total:
        share = filled["n"].to_numpy(dtype=float) / total
        fig.add_trace(
            go.Scatter(
                x=filled["mean_score"].tolist(),
                y=filled["observed_rate"].tolist(),
                mode="lines+markers",
                name=_label(label),
                marker={"color": FLAG_COLOR, "size": (6 + 30 * np.sqrt(share)).tolist()},
                customdata=np.column_stack([filled["n"].to_numpy(), share]).tolist(),
                hovertemplate="mean score %{x:.2f}<br>observed rate %{y:.2f}<br>%{customdata[0]} posts<extra></extra>",
            )
        )
    else:
        fig.add_annotation(text="No labelled posts to show", showarrow=False, x=0.5, y=0.5)
    fig = _layout(fig, f"Reliability: {_label(label)}", "mean score in bin", "observed rate of the label")
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1])
    return fig
