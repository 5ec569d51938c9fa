"""Plotly figures of the Score page: pure ``data -> Figure`` functions, no Streamlit.

Figures carry aggregates only (histogram bins, at most a few thousand curve
points), never one point per post and never post text, so 100,000 posts cost
the browser no more than 100 and nothing from a post can render as markup.
"""

from __future__ import annotations

import html
import math

import numpy as np
import plotly.graph_objects as go
from sklearn.metrics import auc, average_precision_score, precision_recall_curve, roc_curve

__all__ = ["confusion_figure", "operating_point", "pr_figure", "roc_figure", "score_histogram"]

MAX_CURVE_POINTS = 1_000
FLAG_COLOR = "#B42318"
CLEAR_COLOR = "#2E90FA"
MUTED_COLOR = "#98A2B3"


def _label(name: str) -> str:
    """Label name safe inside Plotly's HTML-like text."""
    return html.escape(str(name))


def _known(truth: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    truth = np.asarray(truth, dtype=float)
    scores = np.asarray(scores, dtype=float)
    known = ~np.isnan(truth)
    return truth[known].astype(int), scores[known]


def _threshold_line(fig: go.Figure, threshold: float) -> None:
    fig.add_vline(
        x=threshold,
        line={"color": FLAG_COLOR, "width": 2, "dash": "dash"},
        annotation={"text": f"threshold {threshold:.3f}", "font": {"color": FLAG_COLOR}},
        annotation_position="top right",
    )


def _layout(fig: go.Figure, title: str, xaxis: str, yaxis: str) -> go.Figure:
    fig.update_layout(
        title={"text": title},
        xaxis_title=xaxis,
        yaxis_title=yaxis,
        margin={"l": 55, "r": 20, "t": 50, "b": 90},
        height=380,
        legend={"orientation": "h", "yanchor": "top", "y": -0.22, "xanchor": "left", "x": 0.0},
    )
    return fig


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
    _threshold_line(fig, threshold)
    flagged = int((scores >= threshold).sum())
    share = flagged / len(scores) if len(scores) else 0.0
    title = f"{_label(label)}: {flagged:,} of {len(scores):,} posts flagged ({share:.1%})"
    return _layout(fig, title, f"{_label(label)} score", "posts")


def operating_point(truth: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    """Confusion counts and rates at ``threshold`` on the rows with a known label.

    Precision is NaN when nothing is flagged; recall and FPR are NaN without
    positives or negatives.
    """
    y, s = _known(truth, scores)
    flags = s >= threshold
    tp = int((flags & (y == 1)).sum())
    fp = int((flags & (y == 0)).sum())
    fn = int((~flags & (y == 1)).sum())
    tn = int((~flags & (y == 0)).sum())
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "tpr": tp / (tp + fn) if tp + fn else math.nan,
        "fpr": fp / (fp + tn) if fp + tn else math.nan,
        "precision": tp / (tp + fp) if tp + fp else math.nan,
    }


def _thin(*arrays: np.ndarray, limit: int = MAX_CURVE_POINTS) -> list[list[float]]:
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


def _one_class(label: str, what: str) -> go.Figure:
    fig = note_needs_both_classes(go.Figure())
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, f"{_label(label)}: {what}", "", "")


def roc_figure(truth: np.ndarray, scores: np.ndarray, *, label: str, threshold: float) -> go.Figure:
    """ROC curve of one label on the rows with a known label, with the operating point at ``threshold``."""
    y, s = _known(truth, scores)
    if len(np.unique(y)) < 2:
        return _one_class(label, "ROC curve")
    fpr, tpr, _ = roc_curve(y, s)
    area = auc(fpr, tpr)
    x, yy = _thin(fpr, tpr)
    point = operating_point(truth, scores, threshold)
    fig = go.Figure()
    chance = {"color": MUTED_COLOR, "dash": "dot"}
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance", line=chance))
    fig.add_trace(go.Scatter(x=x, y=yy, mode="lines", name=f"ROC (AUC {area:.3f})", line={"color": CLEAR_COLOR}))
    fig.add_trace(
        go.Scatter(
            x=[point["fpr"]],
            y=[point["tpr"]],
            mode="markers",
            name=f"threshold {threshold:.3f}",
            marker={"color": FLAG_COLOR, "size": 12, "symbol": "x"},
            hovertemplate="FPR %{x:.3f}, TPR %{y:.3f}<extra>threshold</extra>",
        )
    )
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02])
    return _layout(fig, f"{_label(label)}: ROC curve, AUC {area:.3f}", "false positive rate", "true positive rate")


def pr_figure(truth: np.ndarray, scores: np.ndarray, *, label: str, threshold: float) -> go.Figure:
    """Precision-recall curve of one label, with the operating point at ``threshold``."""
    y, s = _known(truth, scores)
    if len(np.unique(y)) < 2:
        return _one_class(label, "precision-recall curve")
    precision, recall, _ = precision_recall_curve(y, s)
    ap = average_precision_score(y, s)
    x, yy = _thin(recall[::-1], precision[::-1])
    point = operating_point(truth, scores, threshold)
    fig = go.Figure()
    fig.add_hline(y=float(y.mean()), line={"color": MUTED_COLOR, "dash": "dot"})
    fig.add_trace(
        go.Scatter(x=x, y=yy, mode="lines", name=f"PR (AP {ap:.3f})", line={"color": CLEAR_COLOR, "shape": "hv"})
    )
    precision_at = point["precision"]
    fig.add_trace(
        go.Scatter(
            x=[point["tpr"]],
            y=[None if math.isnan(precision_at) else precision_at],
            mode="markers",
            name=f"threshold {threshold:.3f}",
            marker={"color": FLAG_COLOR, "size": 12, "symbol": "x"},
            hovertemplate="recall %{x:.3f}, precision %{y:.3f}<extra>threshold</extra>",
        )
    )
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02])
    return _layout(fig, f"{_label(label)}: precision-recall, AP {ap:.3f}", "recall", "precision")


def confusion_figure(truth: np.ndarray, scores: np.ndarray, *, label: str, threshold: float) -> go.Figure:
    """2 x 2 confusion matrix of one label at ``threshold`` (rows: labelled; columns: flagged)."""
    point = operating_point(truth, scores, threshold)
    counts = np.array([[point["tn"], point["fp"]], [point["fn"], point["tp"]]])
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
    return _layout(
        fig, f"{_label(label)}: confusion at threshold {threshold:.3f}", "model decision", "label in the file"
    )
