"""The Explain page's top words over the explained posts, and the posts behind a picked word."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from core.explain import aggregate_tokens, global_tokens_figure, highlight_html
from ui import state
from ui.components.safe_text import escape_markdown, plotly_text
from ui.components.tables import picked_row, score_bar
from ui.sections.explain import post_picker
from ui.services import global_explanations, privacy
from ui.services.results import ScoredPosts

DEFAULT_MIN_COUNT = 2
"""Occurrences a word needs to be ranked in the global view, by default."""
TOP_WORDS = 20
"""Words in the global chart and its word picker, per label."""
MIN_COUNT = "modlens.explain.global.min_count"
"""Widget key of how often a word must occur to be ranked (rare words have noisy averages)."""
LABEL = "modlens.explain.global.label"
"""Widget key of the label whose top words are opened."""
WORD = "modlens.explain.global.token"
"""Widget key of the top word whose posts are listed."""
POSTS = "modlens.explain.global.posts"
"""Widget key of the table of the posts behind a word (its row selection)."""
CHARTS = state.Keys("modlens.explain.chart.global")


def chart_key(label: str) -> str:
    """Element key of the top-words chart of ``label``."""
    return CHARTS(label)


def global_results(run: global_explanations.GlobalRun, result: ScoredPosts, labels: Sequence[str]) -> None:
    """Top words per label, then the posts behind a picked word with a link that opens one."""
    took = f" in {run.seconds:.1f} s" if run.seconds >= 0.1 else ""
    reused = f", {run.n_reused:,} of them from earlier runs" if run.n_reused else ""
    if run.cancelled:
        st.warning(
            f"Stopped: {run.n_explained:,} of {run.n_chosen:,} posts were explained; the words below "
            "come from those. Run again to explain the rest (finished posts are kept).",
            icon=":material/stop_circle:",
        )
    chosen = run.description[:1].upper() + run.description[1:]
    st.caption(f"{chosen}: {run.n_explained:,} posts explained{took}{reused}.")
    min_count = int(
        st.number_input(
            "Words seen at least this many times",
            min_value=1,
            max_value=1_000,
            value=DEFAULT_MIN_COUNT,
            key=MIN_COUNT,
            width=320,
            help="Rarer words are left out: an average over one or two posts is mostly noise.",
        )
    )
    config = privacy.config_for(result.posts.content_hash)
    texts = {row: result.posts.texts[row] for row in run.view.attributions.posts["post_id"].unique()}
    run_key = (run.source, run.n_explained, run.n_chosen, run.description)
    shown_texts, tokens = privacy.redacted_run(run_key, run.view.attributions.tokens, texts, config)
    words = aggregate_tokens(tokens, min_count=min_count)  # hidden personal data counts as <EMAIL>, <URL>, ...
    if words.empty:
        st.info(
            f"No word occurs {min_count:,} times or more in the explained posts: lower the number above.",
            icon=":material/info:",
        )
        return
    for column, label in zip(st.columns(len(labels)), labels, strict=True):
        figure = global_tokens_figure(plotly_text(words), label=label, n=TOP_WORDS)
        column.plotly_chart(figure, key=chart_key(label))

    st.subheader("Posts behind a word")
    label_col, word_col = st.columns(2)
    label = label_col.selectbox("Label", list(labels), key=LABEL)
    top = words[words["label"] == label].head(TOP_WORDS)
    if top.empty:
        return
    means = dict(zip(top["token"], top["mean_value"], strict=True))
    counts = dict(zip(top["token"], top["n_posts"], strict=True))
    word = word_col.selectbox(
        "Word",
        top["token"].tolist(),
        key=WORD,
        format_func=lambda w: f"{w}   (mean {means[w]:+.3f}, in {counts[w]:,} posts)",
    )
    if word is None:
        return
    posts = global_explanations.post_table(run, word, label, tokens=tokens)
    j = result.labels.index(label) if label in result.labels else None
    if j is not None:
        posts[f"score_{label}"] = result.scores[posts["row"].to_numpy(), j]
    posts["text"] = [shown_texts[row] for row in posts["row"]]
    posts.insert(0, "post", [result.name_of(int(row)) for row in posts["row"]])
    st.caption("Pick a post to see it here; open it above for all its details.")
    picked = picked_row(
        posts,
        key=POSTS,
        hide_index=True,
        column_order=[c for c in posts.columns if c != "row"],
        column_config={
            "value": st.column_config.NumberColumn("SHAP value", format="%+.3f"),
            "times": st.column_config.NumberColumn("times in post"),
            f"score_{label}": score_bar(),
            "text": st.column_config.TextColumn(width="large"),
        },
    )
    if picked is not None:
        row = int(posts["row"].iloc[picked])
        name = result.name_of(row)
        with st.container(border=True):
            st.markdown(f"**Post {escape_markdown(name)}**, {escape_markdown(label)} attributions")
            rows = tokens[(tokens["post_id"] == row) & (tokens["label"] == label)].sort_values("start")
            st.html(highlight_html(shown_texts[row], rows))
            st.button(
                f"Explain post {escape_markdown(name)} above",
                on_click=post_picker.open_row,
                args=(result, row),
                icon=":material/arrow_upward:",
                help="Opens the post at the top of this page, with occlusion and what-if.",
            )
