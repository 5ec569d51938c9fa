"""Training curves of a model being fitted: loss per progress report and validation AUC per epoch.

A pure ``records -> Figure`` function, no Streamlit and no TensorFlow (training
progress comes in as plain records, e.g. :class:`core.model.progress.TrainingProgress` as dicts).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.plots.style import SERIES_COLORS, escape

__all__ = ["training_figure"]

RUN_NAMES = ("run 1", "run 2", "run 3")


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
        title={"text": escape(title)},
        height=360,
        margin={"l": 55, "r": 20, "t": 70, "b": 90},
        legend={"orientation": "h", "yanchor": "top", "y": -0.3, "xanchor": "left", "x": 0.0},
    )
    return fig


def _nan(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
