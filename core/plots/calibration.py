"""Reliability curve: how well a model's scores match the observed rate of its label.

Pure ``DataFrame -> Figure``: the table comes from
:func:`core.evaluation.calibration.reliability_table` (scored posts with labels) or
:func:`core.evaluation.calibration.reliability_from_metadata` (the table stored with a model).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.plots.style import FLAG_COLOR, MUTED_COLOR, escape, labelled_figure

__all__ = ["reliability_figure"]


def reliability_figure(table: pd.DataFrame, *, label: str = "toxic") -> go.Figure:
    """Observed rate of ``label`` against mean score per bin, with the diagonal of perfect calibration.

    Empty bins are skipped; marker size shows each bin's share of posts. A table
    without posts gives the diagonal alone and a note.
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
                name=escape(label),
                marker={"color": FLAG_COLOR, "size": (6 + 30 * np.sqrt(share)).tolist()},
                customdata=np.column_stack([filled["n"].to_numpy(), share]).tolist(),
                hovertemplate="mean score %{x:.2f}<br>observed rate %{y:.2f}<br>%{customdata[0]} posts<extra></extra>",
            )
        )
    else:
        fig.add_annotation(text="No labelled posts to show", showarrow=False, x=0.5, y=0.5)
    fig = labelled_figure(fig, f"Reliability: {escape(label)}", "mean score in bin", "observed rate of the label")
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1])
    return fig
