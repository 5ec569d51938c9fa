"""Figures of review work: a queue's progress, decisions per reviewer, agreement between reviewers and with the model.

Pure ``DataFrame -> Figure`` functions over the tidy tables of :mod:`core.store.stats`
(no Streamlit, no database). Names (reviewers, labels) are escaped; undefined values
(NaN kappa, precision without flagged posts) are drawn as missing bars and said so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.plots.style import CLEAR_COLOR, FLAG_COLOR, MUTED_COLOR, SERIES_COLORS, escape, labelled_figure

__all__ = ["agreement_figure", "model_agreement_figure", "progress_figure", "reviewer_figure"]

ACTION_COLORS = {"approve": CLEAR_COLOR, "remove": FLAG_COLOR, "escalate": "#F79009", "skip": MUTED_COLOR}
STATUS_COLORS = {"decided": CLEAR_COLOR, "escalated": "#F79009", "pending": MUTED_COLOR, **ACTION_COLORS}
"""Colour of each status of :func:`progress_figure`: the actions of decided posts as in :func:`reviewer_figure`."""


def _undefined_note(fig: go.Figure, names: list[str]) -> None:
    if names:
        fig.add_annotation(
            text="undefined (too few posts or one answer only): " + ", ".join(names),
            showarrow=False,
            x=0.0,
            y=1.02,
            xref="paper",
            yref="paper",
            xanchor="left",
            font={"color": MUTED_COLOR},
        )


def progress_figure(counts: pd.DataFrame, *, queue: str = "") -> go.Figure:
    """One stacked bar of a queue's posts by ``status`` (columns ``status``, ``posts``): done and left."""
    fig = go.Figure()
    total = int(counts["posts"].sum()) if len(counts) else 0
    for row in counts.itertuples(index=False):
        share = row.posts / total if total else 0.0
        fig.add_trace(
            go.Bar(
                x=[int(row.posts)],
                y=["posts"],
                orientation="h",
                name=escape(row.status),
                marker={"color": STATUS_COLORS.get(str(row.status), SERIES_COLORS[-1])},
                hovertemplate=f"{escape(row.status)}: %{{x:,}} posts ({share:.0%})<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", height=200)
    fig.update_yaxes(visible=False)
    done = int(counts.loc[counts["status"] != "pending", "posts"].sum()) if len(counts) else 0
    title = f"{escape(queue)}: {done:,} of {total:,} posts done" if queue else f"{done:,} of {total:,} posts done"
    labelled_figure(fig, title, "posts", "")
    fig.update_layout(height=220, margin={"l": 20, "r": 20, "t": 50, "b": 60}, legend={"y": -0.5})
    return fig


def reviewer_figure(progress: pd.DataFrame) -> go.Figure:
    """Decisions per reviewer (rules as ``rule: name``), stacked by action (``core.store.stats.reviewer_progress``)."""
    fig = go.Figure()
    names = [
        escape(f"rule: {r.reviewer}" if r.source == "rule" else r.reviewer) for r in progress.itertuples(index=False)
    ]
    for action, color in ACTION_COLORS.items():
        if action not in progress.columns:
            continue
        fig.add_trace(
            go.Bar(
                x=names,
                y=progress[action].astype(int).tolist(),
                name=action,
                marker={"color": color},
                hovertemplate="%{x}: %{y:,} " + action + "<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    return labelled_figure(fig, "Decisions per reviewer", "reviewer", "posts")


def agreement_figure(agreement: pd.DataFrame) -> go.Figure:
    """Cohen's kappa per pair of reviewers on posts both decided (``core.store.stats.reviewer_agreement``).

    1 is perfect agreement, 0 what chance gives; pairs with an undefined kappa are named above the plot.
    """
    pairs = [escape(f"{r.reviewer_a} & {r.reviewer_b}") for r in agreement.itertuples(index=False)]
    kappa = agreement["kappa"].astype(float).to_numpy() if len(agreement) else np.array([])
    fig = go.Figure(
        go.Bar(
            x=pairs,
            y=[None if np.isnan(k) else float(k) for k in kappa],
            marker={"color": CLEAR_COLOR},
            customdata=np.column_stack([agreement["n"], agreement["agreement"]]) if len(agreement) else None,
            hovertemplate="%{x}: kappa %{y:.2f} over %{customdata[0]} posts (same action %{customdata[1]:.0%})"
            "<extra></extra>",
        )
    )
    fig.update_yaxes(range=[-1, 1])
    _undefined_note(fig, [p for p, k in zip(pairs, kappa, strict=True) if np.isnan(k)])
    if not pairs:
        fig.add_annotation(
            text="no post was decided by two reviewers yet", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
        )
    return labelled_figure(fig, "Agreement between reviewers (Cohen's kappa)", "pair of reviewers", "kappa")


def model_agreement_figure(table: pd.DataFrame) -> go.Figure:
    """Precision and recall of the model's flag against reviewers' decisions, per label.

    ``table`` is :func:`core.store.stats.model_agreement`: precision = flagged posts reviewers
    removed, recall = removed posts the model flagged; NaN bars are left out and named.
    """
    labels = [escape(label) for label in table["label"]]
    fig = go.Figure()
    missing = []
    for metric, color in (("precision", CLEAR_COLOR), ("recall", FLAG_COLOR)):
        values = table[metric].astype(float).to_numpy() if len(table) else np.array([])
        missing += [f"{metric} of {lb}" for lb, v in zip(labels, values, strict=True) if np.isnan(v)]
        fig.add_trace(
            go.Bar(
                x=labels,
                y=[None if np.isnan(v) else float(v) for v in values],
                name=metric,
                marker={"color": color},
                customdata=table[["n", "tp", "fp", "fn"]].to_numpy() if len(table) else None,
                hovertemplate=f"%{{x}} {metric} %{{y:.2f}} (decided %{{customdata[0]}}: tp %{{customdata[1]}}, "
                "fp %{customdata[2]}, fn %{customdata[3]})<extra></extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, 1])
    _undefined_note(fig, missing)
    return labelled_figure(fig, "Model flags against reviewers' decisions", "label", "share")
