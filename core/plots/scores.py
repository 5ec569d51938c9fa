"""Figures of one label's scores: their distribution, and the confusion matrix at a threshold.

Pure ``data -> Figure`` functions, no Streamlit. Figures carry aggregates only
(histogram bins, four counts), never one point per post and never post text, so
100,000 posts cost the browser no more than 100 and nothing from a post can
render as markup.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.evaluation.thresholds import operating_point_at
from core.plots.style import CLEAR_COLOR, FLAG_COLOR, MUTED_COLOR, escape, labelled_figure, threshold_line

__all__ = ["confusion_figure", "score_histogram"]


def score_histogram(
    scores: np.ndarray,
    *,
    label: str,
    threshold: float,
    truth: np.ndarray | None = None,
    bins: int = 50,
) -> go.Figure:
    """Distribution of one label's scores in ``bins`` bins over [0, 1], with the threshold line.

    Bins are counted here (bars, not a raw histogram), so the figure's size does
    not grow with the number of posts. With ``truth``, bars are split into
    posts labelled positive, negative and unlabelled (NaN).
    """
    scores = np.asarray(scores, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    centers = (edges[:-1] + edges[1:]) / 2
    width = 1.0 / bins
    groups: list[tuple[str, np.ndarray, str]]
    if truth is None:
        groups = [("posts", scores, CLEAR_COLOR)]
    else:
        truth = np.asarray(truth, dtype=float)
        groups = [
            ("labelled positive", scores[truth == 1], FLAG_COLOR),
            ("labelled negative", scores[truth == 0], CLEAR_COLOR),
        ]
        if np.isnan(truth).any():
            groups.append(("unlabelled", scores[np.isnan(truth)], MUTED_COLOR))
    fig = go.Figure()
    for name, values, color in groups:
        counts, _ = np.histogram(np.clip(values, 0.0, 1.0), bins=edges)
        fig.add_trace(
            go.Bar(
                x=centers.tolist(),
                y=counts.tolist(),
                width=width,
                name=name,
                marker={"color": color},
                hovertemplate="score %{x:.2f}: %{y} posts<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(barmode="stack", bargap=0.0, showlegend=truth is not None)
    fig.update_xaxes(range=[0, 1])
    threshold_line(fig, threshold)
    flagged = int((scores >= threshold).sum())
    share = flagged / len(scores) if len(scores) else 0.0
    title = f"{escape(label)}: {flagged:,} of {len(scores):,} posts flagged ({share:.1%})"
    return labelled_figure(fig, title, f"{escape(label)} score", "posts")


def confusion_figure(truth: np.ndarray, scores: np.ndarray, *, label: str, threshold: float) -> go.Figure:
    """2 x 2 confusion matrix of one label at ``threshold`` (rows: labelled; columns: flagged)."""
    point = operating_point_at(truth, scores, threshold, require_both_classes=False)
    counts = np.array([[point.tn, point.fp], [point.fn, point.tp]])
    total = max(int(counts.sum()), 1)
    text = [[f"{c:,}<br>{c / total:.1%}" for c in row] for row in counts]
    fig = go.Figure(
        go.Heatmap(
            z=counts.tolist(),
            x=["not flagged", "flagged"],
            y=["labelled negative", "labelled positive"],
            text=text,
            texttemplate="%{text}",
            colorscale=[[0, "#F2F4F7"], [1, "#84ADFF"]],
            showscale=False,
            hovertemplate="%{y}, %{x}: %{z} posts<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return labelled_figure(
        fig, f"{escape(label)}: confusion at threshold {threshold:.3f}", "model decision", "label in the file"
    )
