"""The Review page's progress: posts done and left, decisions per reviewer, and agreement.

Agreement between reviewers is Cohen's kappa on double-reviewed posts; agreement between
the model and the reviewers is the precision and recall of its flags against their decisions.
"""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from core.plots.review import agreement_figure, model_agreement_figure, progress_figure, reviewer_figure
from core.store.queues import QueueInfo
from ui import state
from ui.components.safe_text import error, escape_markdown
from ui.components.tables import number_columns
from ui.services import review

KEYS = state.Keys("modlens.review.progress")


def progress_section(queue: QueueInfo) -> None:
    """Counts, the progress bar, decisions per reviewer, reviewer agreement and model agreement."""
    try:
        summary = review.queue_stats(queue.name)
        people = review.reviewer_progress(queue.name)
        kappa = review.reviewer_agreement(queue.name)
        model = review.model_agreement(queue.name)
    except ModLensError as exc:
        error(str(exc))
        return
    st.caption(escape_markdown(f"Rule: {summary.rule}. Reviews per post: {summary.reviews_required}."))
    cells = st.columns(5)
    for cell, (name, value) in zip(
        cells,
        [
            ("Posts", summary.total),
            ("Done", summary.decided),
            ("Left", summary.pending),
            ("Escalated", summary.escalated),
            ("Being reviewed", summary.claimed),
        ],
        strict=True,
    ):
        cell.metric(name, f"{value:,}")
    st.plotly_chart(progress_figure(review.status_counts(summary), queue=queue.name), key=KEYS("bar"))
    if people.empty:
        st.caption("No decision yet.")
        return
    left, right = st.columns(2)
    left.plotly_chart(reviewer_figure(people), key=KEYS("reviewers"))
    right.dataframe(
        people,
        hide_index=True,
        key=KEYS("reviewer_table"),
        column_config=number_columns("%.1f", median_seconds="Median seconds"),
    )
    left, right = st.columns(2)
    left.plotly_chart(agreement_figure(kappa), key=KEYS("kappa"))
    right.plotly_chart(model_agreement_figure(model), key=KEYS("model"))
    st.dataframe(model, hide_index=True, key=KEYS("model_table"))
    st.caption(
        "Kappa: 1 = reviewers always agree, 0 = no more than chance (posts both decided; skips left out). "
        "Precision: share of the posts the model flagged that reviewers removed; recall: share of removed posts "
        "the model flagged (approve and remove decisions only)."
    )
