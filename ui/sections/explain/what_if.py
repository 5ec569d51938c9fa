"""The Explain page's what-if: edit the post; scores and attributions of the edit next to the original's."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from core.explain import highlight_html
from core.scoring import Scorer
from ui import state
from ui.components.job_progress import follow
from ui.components.safe_text import escape_markdown
from ui.components.tables import three_decimals
from ui.sections.explain.post_picker import MAX_TYPED_CHARS, Post
from ui.services import explain_jobs, explanations

EDIT = "modlens.explain.what_if"
"""Widget key of the what-if editor."""
EDIT_FOR = "modlens.explain.what_if_for"
"""The post the what-if editor was filled with; another post refills it."""


def what_if_section(post: Post, model: Scorer, version: str, thresholds: Mapping[str, float]) -> None:
    """Edit the post; scores and attributions of the edit next to the original's."""
    st.subheader("What if")
    start = post.shown  # personal data hidden, as everywhere the post is shown
    if state.get(EDIT_FOR) != post.text:  # another post: start from its text
        state.put(EDIT_FOR, post.text)
        state.put(EDIT, start)
    edited = st.text_area(
        "Edit the post, then press Ctrl+Enter",
        key=EDIT,
        height=110,
        max_chars=max(MAX_TYPED_CHARS, len(start)),
    )
    st.button("Back to the original", on_click=state.put, args=(EDIT, start), icon=":material/undo:")
    if edited == start:
        hidden = (
            " It starts with personal data hidden; the change shown is the effect of your edit on that text."
            if start != post.text
            else ""
        )
        st.caption("Change the text above to see how the scores and word attributions change." + hidden)
        return
    labels = tuple(model.labels_)
    explained = explain_jobs.cached_explained(edited, version, labels, full=False)
    if explained is None:  # queued on the server like every explanation
        job = explain_jobs.start_explaining(edited, model.predict_proba, labels, version, full=False, slot="what-if")
        explained = follow(job, what="Explaining the edit...", key="modlens-wait-what-if")
        if explained is None:
            return
    attributions = explained.attributions
    # Measured against the text the editor started from, so that the change is the edit's alone
    # (not also the effect of the placeholders that hide personal data).
    changes = explanations.edit_scores(start, edited, model.predict_proba, labels, written=post.text)
    for column, (_, change) in zip(st.columns(len(labels)), changes.iterrows(), strict=True):
        label = str(change["label"])
        with column:
            verdict = "flagged" if change["edited"] >= thresholds[label] else "not flagged"
            st.metric(
                f"{escape_markdown(label)} score of the edit",
                f"{change['edited']:.3f}",
                f"{change['change']:+.3f} ({verdict})",
                delta_color="inverse",
            )
            st.html(highlight_html(edited, attributions.for_post(0, label)))
    scored = ["original", "edited", "change"]
    if explanations.AS_WRITTEN in changes.columns:
        scored.append(explanations.AS_WRITTEN)
        st.caption(
            "original: the text you started from, with personal data hidden; change: edited minus original, the "
            "effect of your edit alone; as written: the post with its personal data (the scores above)."
        )
    st.dataframe(changes, hide_index=True, column_config=three_decimals(scored))
