"""The Review page's evidence for one post: its scores, the SHAP highlight, the strongest words, an identity swap.

Post text is hostile: it is shown only with :func:`ui.components.safe_text.post_text`,
:func:`core.explain.highlight_html` (built from escaped text) and in tables.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.bias import find_terms
from core.explain import highlight_html
from core.explain.figures import strongest_tokens
from core.scoring import Scorer
from core.store.claims import ItemView
from ui import state
from ui.components.safe_text import escape_markdown, post_text
from ui.components.tables import number_columns, score_bar, text_columns
from ui.services import bias, explanations

KEYS = state.Keys("modlens.review.evidence")
EXPLAIN = KEYS("explain")
"""Widget key of the switch that shows the SHAP explanation (off: faster for easy posts)."""
WORDS = 6
"""Strongest words listed per direction and label."""


def post_section(view: ItemView) -> None:
    """The post exactly as written, its id and author, and each label's score against the batch's threshold."""
    who = f" by {view.author}" if view.author else ""
    st.markdown(escape_markdown(f"Post {view.external_id}{who} (row {view.row_number} of the batch)"))
    post_text(view.text)
    cells = st.columns(max(1, len(view.scores)))
    for cell, (label, score) in zip(cells, view.scores.items(), strict=False):
        threshold = float(view.thresholds.get(label, 0.5))
        verdict = "flagged" if score >= threshold else "not flagged"
        cell.metric(
            f"{escape_markdown(label)} score",
            f"{score:.3f}",
            f"{verdict} at {threshold:.3f}",
            delta_color="off",
            delta_arrow="off",
        )
    st.caption(escape_markdown(f"Scored by {view.model_version}."))


def explanation_section(view: ItemView, model: Scorer, version: str) -> None:
    """SHAP highlight and strongest words per label (active model), then an identity-swap check."""
    if not st.toggle("Explain the scores (SHAP)", value=True, key=EXPLAIN):
        return
    labels = tuple(model.labels_)
    with st.spinner("Explaining the post..."):
        attributions = explanations.explain_post(view.text, model.predict_proba, labels, version)
    st.caption(
        "Words in red raise the score, blue ones lower it (the active model's explanation; hover a word for its value)."
    )
    for column, label in zip(st.columns(len(labels)), labels, strict=True):
        rows = attributions.for_post(0, label)
        with column:
            st.markdown(f"**{escape_markdown(label)}**")
            st.html(highlight_html(view.text, rows))
            top = strongest_tokens(rows, n=WORDS)
            if top.empty:
                st.caption("No word moves this score.")
                continue
            st.dataframe(
                top[["token", "value"]].iloc[::-1],
                hide_index=True,
                key=KEYS("words", label),
                column_config={**text_columns(token="Word"), **number_columns("%+.3f", value="SHAP value")},
            )
    swap_section(view, model, version)


def swap_section(view: ItemView, model: Scorer, version: str) -> None:
    """When the post mentions an identity group: its score with the group swapped for others."""
    terms = find_terms(view.text, bias.lexicon())
    if not terms:
        return
    labels = list(model.labels_)
    label = labels[0]
    with st.spinner("Rescoring the post with other identity groups..."):
        original = float(model.predict_proba([view.text])[0, 0])  # the active model's, like the swaps
        swaps = bias.post_swaps(view.text, original, label, version, model, 0)
    groups = ", ".join(dict.fromkeys(t.group for t in terms))
    st.markdown(f"**Identity swap** ({escape_markdown(label)}): the post mentions {escape_markdown(groups)}")
    if swaps.empty:
        st.caption("No other group's terms could be swapped in.")
        return
    biggest = swaps.iloc[0]
    st.caption(
        escape_markdown(
            f"Largest change {float(biggest['change']):+.3f}: '{biggest['source_terms']}' -> "
            f"'{biggest['target_term']}' ({biggest['target_group']}). A large change means the model reacts "
            "to the group, not to what is said."
        )
    )
    shown = pd.DataFrame(swaps[["target_group", "target_term", "score", "change"]].head(8))
    st.dataframe(
        shown,
        hide_index=True,
        key=KEYS("swaps"),
        column_config={
            **text_columns(target_group="Swapped to group", target_term="Term"),
            "score": score_bar("Score"),
            **number_columns("%+.3f", change="Change"),
        },
    )
