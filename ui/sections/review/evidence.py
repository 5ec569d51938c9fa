"""The Review page's evidence for one post: its scores, the SHAP highlight, the strongest words, an identity swap.

The scores shown are the whole post's, as the batch stored them (they decide the flag). A post
longer than the explained start (``ExplainConfig.max_chars``) is explained from its start only:
the panel says so, and gives the start's score that the words' values add up to. The explanation
is a job of the server's queue (:func:`ui.services.explain_jobs.start_explaining`), as on the
Explain page, and shares its per-post cache.

Post text is hostile: it is shown only with :func:`ui.components.safe_text.post_text`,
:func:`core.explain.highlight_html` (built from escaped text) and in tables.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.bias import find_terms
from core.explain import Attributions, highlight_html
from core.explain.figures import strongest_tokens
from core.explain.shap_values import cut_note
from core.scoring import Scorer
from core.store.claims import ItemView
from ui import state
from ui.components.job_progress import follow
from ui.components.safe_text import escape_markdown, post_text
from ui.components.tables import number_columns, score_bar, text_columns
from ui.sections.explain.attributions import post_note
from ui.services import bias, explain_jobs, explanations

KEYS = state.Keys("modlens.review.evidence")
EXPLAIN = KEYS("explain")
"""Widget key of the switch that shows the SHAP explanation (off: faster for easy posts)."""
WORDS = 6
"""Strongest words listed per direction and label."""
SLOT = "review-post"
"""Queue slot of the evidence's explanation: the next post's replaces one still waiting in line."""
WAIT_KEY = "modlens-wait-review-explain"


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


def explanation_section(
    view: ItemView, model: Scorer, version: str, whose: str = "the active model's explanation"
) -> None:
    """SHAP highlight and strongest words per label of ``model``, then an identity-swap check.

    ``whose`` names the explanation in the caption (the model that scored the post, when it is
    still there; see :func:`ui.sections.review.workbench.scoring_model`).
    """
    if not st.toggle("Explain the scores (SHAP)", value=True, key=EXPLAIN):
        return
    labels = tuple(model.labels_)
    explained = explain_jobs.cached_explained(view.text, version, labels, full=False)
    if explained is None:  # a job of the server's queue: its place in line, then its progress
        job = explain_jobs.start_explaining(view.text, model.predict_proba, labels, version, full=False, slot=SLOT)
        explained = follow(job, what="Explaining the post...", key=WAIT_KEY)
        if explained is None:
            return
    attributions = explained.attributions
    in_part = explanations.explained_in_part(view.text)
    for message in cut_notes(view.text, attributions.notes):
        st.info(
            escape_markdown(
                f"{post_note(message)} The words' values add up to the score of that start; "
                "the scores above are the whole post's."
            ),
            icon=":material/content_cut:",
        )
    st.caption(
        escape_markdown(f"Words in red raise the score, blue ones lower it ({whose}; hover a word for its value).")
    )
    for column, label in zip(st.columns(len(labels)), labels, strict=True):
        rows = attributions.for_post(0, label)
        with column:
            st.markdown(f"**{escape_markdown(label)}**")
            if in_part:
                st.caption(escape_markdown(start_caption(attributions, label)))
            st.html(highlight_html(view.text, rows))
            top = strongest_tokens(rows, n=WORDS)
            if top.empty:
                st.caption(
                    "No word of the explained start moves this score." if in_part else "No word moves this score."
                )
                continue
            st.dataframe(
                top[["token", "value"]].iloc[::-1],
                hide_index=True,
                key=KEYS("words", label),
                column_config={**text_columns(token="Word"), **number_columns("%+.3f", value="SHAP value")},
            )
    swap_section(view, model, version)


def cut_notes(text: str, notes: tuple[str, ...]) -> tuple[str, ...]:
    """The explainer's notes on the post; a post explained from its start always gets the cut note."""
    if notes or not explanations.explained_in_part(text):
        return notes
    return (cut_note(0, len(text), explanations.CONFIG.max_chars),)


def start_caption(attributions: Attributions, label: str) -> str:
    """What the words of a post explained in part add up to: the score of its explained start, for ``label``."""
    row = attributions.posts[attributions.posts["label"] == label].iloc[0]
    score, base = float(row["score"]), float(row["base_value"])
    return (
        f"The explained start of the post scores {score:.3f}; with every word removed {base:.3f}; "
        f"the words add {score - base:+.3f}."
    )


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
