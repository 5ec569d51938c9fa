"""The Explain page's attributions of one post: per label its score, the post highlighted, the strongest words.

Computations (cached per post and model version, queued on the server) are in
:mod:`ui.services.explain_jobs`; explanations and figures in :mod:`core.explain`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.explain import Attributions, faithfulness_figure, highlight_html, token_bar_figure
from core.privacy import RedactedText, map_attributions
from core.scoring import Scorer
from ui import state
from ui.components.job_progress import follow
from ui.components.safe_text import escape_markdown, plotly_text
from ui.sections.explain.post_picker import Post
from ui.services import explain_jobs, explanations, privacy

LEGEND = (
    "Red words raise the score, blue words lower it. Colour strength is the push on the score's own 0-1 scale, "
    "the same for every post (a word that adds 0.5 is half colour; one that adds 0.001 stays white). "
    "Hover a word for its value."
)
CHARTS = state.Keys("modlens.explain.chart")


@dataclass(frozen=True)
class Explained:
    """One post's attributions, its score without each word (None for very long posts), and the post as shown."""

    attributions: Attributions
    occlusion: pd.DataFrame | None
    redacted: RedactedText | None = None


def chart_key(kind: str, label: str) -> str:
    """Element key of a chart (``tokens`` or ``faithfulness``) of ``label``."""
    return CHARTS(kind, label)


def explain_section(post: Post, model: Scorer, version: str, thresholds: Mapping[str, float]) -> Explained | None:
    """Per label: score, highlighted words, strongest words, faithfulness; then the values of all words.

    Returns the attributions and the occlusion table, or None when the post has no words
    or its explanation waits in line on the server (its place is shown).
    """
    labels = tuple(model.labels_)
    explained = explain_jobs.cached_explained(post.text, version, labels)
    if explained is None:  # a job of the server's queue: its place in line, then its progress
        job = explain_jobs.start_explaining(post.text, model.predict_proba, labels, version)
        explained = follow(job, what="Explaining the post...", key="modlens-wait-explain")
        if explained is None:
            return None
    attributions, summary = explained.attributions, explained.faithfulness
    n_tokens = int(attributions.posts["n_tokens"].iloc[0]) if len(attributions.posts) else 0
    n_explained = int(attributions.posts["n_explained"].iloc[0]) if len(attributions.posts) else 0
    for message in attributions.notes:  # e.g. explained from its first 20,000 characters only
        st.info(escape_markdown(post_note(message)), icon=":material/content_cut:")
    if n_tokens == 0:
        st.info("This post has no words to attribute its scores to.", icon=":material/info:")
    elif n_explained < n_tokens:
        st.caption(
            f"Only the first {n_explained:,} of the post's {n_tokens:,} words get an attribution (explanations "
            "stop there to stay fast); the scores come from the whole post."
        )
    st.caption(LEGEND)
    redacted = privacy.redacted_post(post.text, post.redaction)
    whole = (
        explanations.whole_post_scores(post.text, model.predict_proba, labels, version)
        if explanations.explained_in_part(post.text)
        else {}
    )
    for column, label in zip(st.columns(len(labels)), labels, strict=True):
        with column:
            label_panel(redacted, attributions, summary, label, thresholds[label], whole.get(label))
    if n_tokens == 0:
        return None
    occlusion = explained.occlusion
    with st.expander("Values of all words", icon=":material/table_rows:"):
        shown = Attributions(tokens=privacy.masked_tokens(attributions.tokens, redacted), posts=attributions.posts)
        st.dataframe(word_table(shown, occlusion, labels), hide_index=True)
    return Explained(attributions=attributions, occlusion=occlusion, redacted=redacted)


def post_note(message: str) -> str:
    """A note of the explainer about one post, worded for the page (``Post 0 has`` -> ``This post has``)."""
    return re.sub(r"^Post \S+ has ", "This post has ", message)


def label_panel(
    redacted: RedactedText,
    attributions: Attributions,
    summary: pd.DataFrame | None,
    label: str,
    threshold: float,
    whole_score: float | None = None,
) -> None:
    """One label: score against the threshold, the highlighted post, strongest words and faithfulness.

    The post is shown as ``redacted`` (unchanged when nothing is hidden): the words'
    values move onto it, a placeholder carrying the sum of the words it hides.
    ``whole_score``: the score of the whole post when only its start was explained; the
    score and verdict shown are then the post's own (as in the table), and the caption
    gives the explained start's score that the words add up to.
    """
    row = attributions.posts[attributions.posts["label"] == label].iloc[0]
    score, base = float(row["score"]), float(row["base_value"])
    shown = score if whole_score is None else whole_score
    verdict = "flagged" if shown >= threshold else "not flagged"
    st.metric(
        f"{escape_markdown(label)} score",
        f"{shown:.3f}",
        f"{verdict} at threshold {threshold:.3f}",
        delta_color="off",
        delta_arrow="off",
    )
    if whole_score is None:
        st.caption(f"Score with every word removed: {base:.3f}; the words add {score - base:+.3f}.")
    else:
        st.caption(
            f"The explained start of the post scores {score:.3f}; with every word removed {base:.3f}; "
            f"the words add {score - base:+.3f}."
        )
    rows = attributions.for_post(0, label)
    if redacted.spans or redacted.truncated:  # the values move onto the post as shown
        rows = map_attributions(rows, redacted)
    st.html(highlight_html(redacted.text, rows))
    if not (rows["value"] != 0).any():
        st.caption("No word moves this score.")
        return
    bars = token_bar_figure(plotly_text(rows), n=10, title=f"Strongest words for {label}")
    st.plotly_chart(bars, key=chart_key("tokens", label))
    faithful = summary[summary["label"] == label] if summary is not None else summary
    if faithful is not None and len(faithful):
        figure = faithfulness_figure(faithful, label=label, title=f"Faithfulness for {label}")
        figure.update_layout(height=300)
        st.plotly_chart(figure, key=chart_key("faithfulness", label))
        st.caption(
            "Drop in score when the k words with the largest attributions are removed, against k random "
            "words (mean of 20 draws). Faithful attributions give a much bigger red bar."
        )


def word_table(attributions: Attributions, occlusion: pd.DataFrame | None, labels: Sequence[str]) -> pd.DataFrame:
    """One row per word: the word, its position, and per label its SHAP value and the score without it."""
    tokens = attributions.tokens
    table = tokens[tokens["label"] == labels[0]][["token", "start"]].sort_values("start").reset_index(drop=True)
    table = table.rename(columns={"token": "word", "start": "position"})
    for label in labels:
        values = tokens[tokens["label"] == label].set_index("start")["value"]
        table[f"SHAP {label}"] = table["position"].map(values)
        if occlusion is not None:
            without = occlusion[occlusion["label"] == label].set_index("start")["occluded_score"]
            table[f"{label} without it"] = table["position"].map(without)
    return table
