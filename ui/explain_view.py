"""Streamlit sections of the Explain page: pick a post, its attributions, occlusion, what-if, global view.

``pages/explain.py`` calls these in order. Computations (cached) and the
background global run live in :mod:`ui.explain_jobs`; explanations and figures
in :mod:`core.explain`.

Post text is hostile. It is shown only through :func:`ui.render.post_text`,
widgets (text areas, select box options) and dataframes, or inside
:func:`core.explain.highlight_html`, whose HTML is built from escaped text and
rendered with ``st.html`` (sanitised again by Streamlit). Plotly reads axis text
as pseudo-HTML, so words go into figures escaped (:func:`plotly_text`).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from core.explain import (
    Attributions,
    aggregate_tokens,
    faithfulness_figure,
    global_tokens_figure,
    highlight_html,
    select_posts,
    token_bar_figure,
    what_if,
)
from core.scoring import Scorer
from ui import explain_jobs, render, resources, state
from ui.results import ScoredPosts

log = logging.getLogger("modlens.ui")

FROM_UPLOAD = "A post from the upload"
TYPED = "Type a post"
FLAGGED = "Flagged posts"
ALL_POSTS = "All posts"
DEFAULT_MAX_POSTS = 300
"""Posts the global view explains by default (about a minute with the default model on 2 cores)."""
MAX_POSTS_LIMIT = 5_000
"""Most posts the global view may be asked to explain from the dashboard."""
MAX_TYPED_CHARS = 5_000
"""Longest typed post (the default model reads the first 5,000 characters)."""
DEFAULT_MIN_COUNT = 2
"""Occurrences a word needs to be ranked in the global view, by default."""
TOP_WORDS = 20
"""Words in the global chart and its word picker, per label."""
LEGEND = (
    "Red words raise the score, blue words lower it; the stronger the colour, the bigger the push. "
    "Hover a word for its value."
)


@dataclass(frozen=True)
class Post:
    """The post to explain: its text and, for a post of the upload, its row."""

    text: str
    row: int | None = None


def plotly_text(frame: pd.DataFrame, column: str = "token") -> pd.DataFrame:
    """A copy of ``frame`` with ``column`` HTML-escaped, for Plotly.

    Plotly reads axis and hover text as pseudo-HTML (``<b>``, ``<a href>``) and
    shows entities literally, so escaped words appear exactly as written.
    """
    return frame.assign(**{column: frame[column].map(lambda value: html.escape(str(value), quote=False))})


# -- which post -------------------------------------------------------------------------------
def pick_post(result: ScoredPosts | None) -> Post | None:
    """A post of the last upload (``?row=N`` or the row box) or a typed one; None until there is text."""
    if result is None:
        row = state.selected_row()
        if row is not None:
            st.warning(
                f"Post {row} is not in the current results. Score a file on the Score page first, "
                "or type a post below.",
                icon=":material/search_off:",
            )
        else:
            st.info(
                "No scored upload yet: score a file on the Score page to pick its posts here, or type a post.",
                icon=":material/info:",
            )
        return typed_post()
    _follow_link(result)
    source = st.radio("Post to explain", [FROM_UPLOAD, TYPED], key=state.EXPLAIN_SOURCE, horizontal=True)
    if source == TYPED:
        return typed_post()
    return upload_post(result)


def _follow_link(result: ScoredPosts) -> None:
    """Open the post of a new ``?row=N`` (a link from the Score page or the global view); warn if it is not there."""
    raw = st.query_params.get("row")
    row = state.selected_row()
    valid = row is not None and 0 <= row < len(result)
    if raw is not None and not valid:
        st.warning(
            f"Post {render.escape_markdown(raw)} is not in the current results ({len(result):,} posts). "
            "Pick another one below.",
            icon=":material/search_off:",
        )
    elif raw is not None and raw != state.get(state.EXPLAIN_ROW_SEEN):
        state.put(state.EXPLAIN_ROW_SEEN, raw)
        state.put(state.EXPLAIN_ROW, row)
        state.put(state.EXPLAIN_SOURCE, FROM_UPLOAD)
    if state.get(state.EXPLAIN_ROW) is None:  # first show, or back from another page
        state.put(state.EXPLAIN_ROW, row if valid else 0)


def _row_picked() -> None:
    """Row box callback: the URL and the Score page's selection follow the picked post."""
    row = int(state.get(state.EXPLAIN_ROW, 0))
    st.query_params["row"] = str(row)
    state.put(state.EXPLAIN_ROW_SEEN, str(row))
    state.put(state.SELECTED_ROW, row)


def upload_post(result: ScoredPosts) -> Post:
    """Row box, then the post's number and text (verbatim)."""
    row = int(
        st.number_input(
            "Post number",
            min_value=0,
            max_value=len(result) - 1,
            step=1,
            key=state.EXPLAIN_ROW,
            on_change=_row_picked,
            help="The post's row in the results table of the Score page (the first post is 0).",
        )
    )
    state.put(state.SELECTED_ROW, row)
    st.subheader(f"Post {row}")
    text = result.posts.texts[row]
    render.post_text(text)
    return Post(text=text, row=row)


def typed_post() -> Post | None:
    """Text area for a post of one's own; None while it is empty."""
    text = st.text_area(
        "Type or paste a post",
        key=state.EXPLAIN_TYPED,
        height=110,
        max_chars=MAX_TYPED_CHARS,
        placeholder="Type a post, then press Ctrl+Enter (or click outside the box).",
    )
    if not text or not text.strip():
        st.caption("Type a post to see its scores and which words drive them.")
        return None
    return Post(text=text)


# -- one post ---------------------------------------------------------------------------------
def explain_section(post: Post, model: Scorer, version: str, thresholds: Mapping[str, float]) -> None:
    """Per label: score, highlighted words, strongest words, faithfulness; then word values and occlusion."""
    labels = tuple(model.labels_)
    with st.spinner("Explaining the post..."):
        attributions = explain_jobs.explain_post(post.text, model.predict_proba, labels, version)
        summary = explain_jobs.faithfulness_summary(
            post.text, version, explain_jobs.settings_key(), labels, model.predict_proba, attributions
        )
    n_tokens = int(attributions.posts["n_tokens"].iloc[0]) if len(attributions.posts) else 0
    n_explained = int(attributions.posts["n_explained"].iloc[0]) if len(attributions.posts) else 0
    if n_tokens == 0:
        st.info("This post has no words to attribute its scores to.", icon=":material/info:")
    elif n_explained < n_tokens:
        st.caption(f"Only the first {n_explained:,} of the post's {n_tokens:,} words get an attribution.")
    st.caption(LEGEND)
    for column, label in zip(st.columns(len(labels)), labels, strict=True):
        with column:
            label_panel(post.text, attributions, summary, label, thresholds[label])
    if n_tokens == 0:
        return
    occlusion = explain_jobs.occlusion_table(post.text, version, labels, model.predict_proba)
    with st.expander("Values of all words", icon=":material/table_rows:"):
        st.dataframe(word_table(attributions, occlusion, labels), hide_index=True)
    occlusion_section(post.text, attributions, occlusion, model, labels)


def label_panel(text: str, attributions: Attributions, summary: pd.DataFrame, label: str, threshold: float) -> None:
    """One label: score against the threshold, the highlighted post, strongest words and faithfulness."""
    row = attributions.posts[attributions.posts["label"] == label].iloc[0]
    score, base = float(row["score"]), float(row["base_value"])
    verdict = "flagged" if score >= threshold else "not flagged"
    st.metric(
        f"{render.escape_markdown(label)} score",
        f"{score:.3f}",
        f"{verdict} at threshold {threshold:.3f}",
        delta_color="off",
        delta_arrow="off",
    )
    st.caption(f"Score with every word removed: {base:.3f}; the words add {score - base:+.3f}.")
    rows = attributions.for_post(0, label)
    st.html(highlight_html(text, rows))
    if not (rows["value"] != 0).any():
        st.caption("No word moves this score.")
        return
    bars = token_bar_figure(plotly_text(rows), n=10, title=f"Strongest words for {label}")
    st.plotly_chart(bars, key=state.explain_chart_key("tokens", label))
    faithful = summary[summary["label"] == label]
    if len(faithful):
        figure = faithfulness_figure(faithful, label=label, title=f"Faithfulness for {label}")
        figure.update_layout(height=300)
        st.plotly_chart(figure, key=state.explain_chart_key("faithfulness", label))
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


def occlusion_section(
    text: str, attributions: Attributions, occlusion: pd.DataFrame | None, model: Scorer, labels: Sequence[str]
) -> None:
    """Pick a word; each label's score with and without it (the word deleted from the post)."""
    st.subheader("Remove a word")
    words = attributions.tokens[attributions.tokens["label"] == labels[0]].sort_values("start")
    tokens, starts = words["token"].tolist(), words["start"].tolist()
    if state.get(state.EXPLAIN_OCCLUDE_FOR) != text:  # another post: start at its strongest word
        state.put(state.EXPLAIN_OCCLUDE_FOR, text)
        state.put(state.EXPLAIN_OCCLUDE, int(np.argmax(np.abs(words["value"].to_numpy()))))
    index = st.selectbox(
        "Word to remove",
        list(range(len(tokens))),
        format_func=lambda i: f"{tokens[i]}   (word {i + 1})",
        key=state.EXPLAIN_OCCLUDE,
        help="The post is scored again without this word (occlusion).",
    )
    if index is None:
        return
    if occlusion is not None:
        rows = occlusion[occlusion["start"] == starts[index]]
        table = pd.DataFrame(
            {
                "label": rows["label"],
                "score": rows["score"],
                "without the word": rows["occluded_score"],
                "change": -rows["drop"],
            }
        )
    else:
        change = explain_jobs.without_word(text, index, model.predict_proba, labels)
        table = change.rename(columns={"original": "score", "edited": "without the word"})
    st.dataframe(table, hide_index=True, column_config=_score_columns(["score", "without the word", "change"]))


def what_if_section(post: Post, model: Scorer, version: str, thresholds: Mapping[str, float]) -> None:
    """Edit the post; scores and attributions of the edit next to the original's."""
    st.subheader("What if")
    if state.get(state.EXPLAIN_WHAT_IF_FOR) != post.text:  # another post: start from its text
        state.put(state.EXPLAIN_WHAT_IF_FOR, post.text)
        state.put(state.EXPLAIN_WHAT_IF, post.text)
    edited = st.text_area(
        "Edit the post, then press Ctrl+Enter",
        key=state.EXPLAIN_WHAT_IF,
        height=110,
        max_chars=max(MAX_TYPED_CHARS, len(post.text)),
    )
    st.button(
        "Back to the original", on_click=state.put, args=(state.EXPLAIN_WHAT_IF, post.text), icon=":material/undo:"
    )
    if edited == post.text:
        st.caption("Change the text above to see how the scores and word attributions change.")
        return
    labels = tuple(model.labels_)
    changes = what_if(post.text, edited, model.predict_proba, list(labels))
    with st.spinner("Explaining the edit..."):
        attributions = explain_jobs.explain_post(edited, model.predict_proba, labels, version)
    for column, (_, change) in zip(st.columns(len(labels)), changes.iterrows(), strict=True):
        label = str(change["label"])
        with column:
            verdict = "flagged" if change["edited"] >= thresholds[label] else "not flagged"
            st.metric(
                f"{render.escape_markdown(label)} score of the edit",
                f"{change['edited']:.3f}",
                f"{change['change']:+.3f} ({verdict})",
                delta_color="inverse",
            )
            st.html(highlight_html(edited, attributions.for_post(0, label)))
    st.dataframe(changes, hide_index=True, column_config=_score_columns(["original", "edited", "change"]))


def _score_columns(columns: Sequence[str]) -> dict[str, object]:
    """Three-decimal number columns."""
    return {column: st.column_config.NumberColumn(format="%.3f") for column in columns}


# -- many posts -------------------------------------------------------------------------------
def global_section(result: ScoredPosts, model: Scorer, version: str) -> None:
    """Top words per label over the flagged (or all) posts of the upload, with their posts one click away."""
    st.header("Across the upload")
    st.caption(
        "Which words drive each label over many posts: every post is explained, then each word's SHAP "
        "values are averaged. Runs in the background; Stop keeps the posts already explained."
    )
    source = (result.posts.content_hash, result.posts.text_col, version)
    thresholds = state.thresholds(result.labels, result.model_thresholds)
    flags = result.flagged(thresholds)[[f"flag_{label}" for label in result.labels]].to_numpy().any(axis=1)

    scope_col, max_col, run_col = st.columns([2, 1, 1], vertical_alignment="bottom")
    scope = scope_col.radio(
        "Posts",
        [FLAGGED, ALL_POSTS],
        key=state.EXPLAIN_GLOBAL_SCOPE,
        horizontal=True,
        help="Flagged for any label at the thresholds chosen on the Score page.",
    )
    max_posts = int(
        max_col.number_input(
            "At most",
            min_value=1,
            max_value=MAX_POSTS_LIMIT,
            value=DEFAULT_MAX_POSTS,
            step=50,
            key=state.EXPLAIN_GLOBAL_MAX,
            help="A seeded random sample when there are more.",
        )
    )
    pool = int(flags.sum()) if scope == FLAGGED else len(result)
    rows = select_posts(len(result), flagged=flags if scope == FLAGGED else None, max_posts=max_posts)
    description = _describe(len(rows), pool, scope)
    pending: explain_jobs.GlobalJob | None = state.get(state.EXPLAIN_GLOBAL_PENDING)
    clicked = run_col.button(
        "Explain these posts",
        type="primary",
        icon=":material/play_arrow:",
        disabled=not rows,
        help="While a run is in progress, this waits for it (Stop ends it).",
    )
    st.caption(
        f"Chosen: {description}."
        if rows
        else "No post is flagged at the chosen thresholds: choose all posts, or lower a threshold."
    )
    if clicked and rows and pending is None:
        pending = explain_jobs.start_global(
            source, result.posts.texts, rows, model.predict_proba, model.labels_, description
        )
        state.put(state.EXPLAIN_GLOBAL_PENDING, pending)
    if pending is not None:
        _wait(pending)
    run: explain_jobs.GlobalRun | None = state.get(state.EXPLAIN_GLOBAL_RESULT)
    if run is not None and run.source != source:  # another input or model since
        state.pop(state.EXPLAIN_GLOBAL_RESULT)
        run = None
    if run is not None:
        global_results(run, result, tuple(model.labels_))


def _describe(n: int, pool: int, scope: str) -> str:
    """'the 12 flagged posts', '300 of the 1,204 posts (a random sample)'."""
    kind = "flagged posts" if scope == FLAGGED else "posts"
    if n == pool:
        return f"the {n:,} {kind}" if n != 1 else f"the 1 {kind[:-1]}"
    return f"{n:,} of the {pool:,} {kind} (a random sample)"


def _wait(job: explain_jobs.GlobalJob) -> None:
    """Progress bar and Stop button until the worker is done; the result goes to the session state.

    A widget event interrupts this run (the job keeps going); the next run finds
    the job in the session state and waits again. So the job is only forgotten
    once it is done, never in a ``finally``: an interrupted run may unwind while
    the next run is already waiting.
    """
    box = st.empty()
    with box.container(border=True):
        bar = st.progress(job.fraction, text=job.progress_text())
        st.button(
            "Stop",
            on_click=job.stop,
            icon=":material/stop_circle:",
            help="Stop after the post in progress; the posts explained so far are kept.",
        )
    run: explain_jobs.GlobalRun | None = None
    try:
        job.wait(lambda: bar.progress(min(job.fraction, 1.0), text=job.progress_text()))
        run = explain_jobs.finish_global(job)
    except Exception as exc:  # a model failure must not retry on every rerun; the log keeps the traceback
        log.exception("Global explanation failed")
        render.error(f"Explaining the posts failed ({type(exc).__name__}). The server log has the details.")
    if state.get(state.EXPLAIN_GLOBAL_PENDING) is job:
        state.pop(state.EXPLAIN_GLOBAL_PENDING)
    box.empty()
    if run is not None:
        state.put(state.EXPLAIN_GLOBAL_RESULT, run)


def global_results(run: explain_jobs.GlobalRun, result: ScoredPosts, labels: Sequence[str]) -> None:
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
            key=state.EXPLAIN_GLOBAL_MIN_COUNT,
            width=320,
            help="Rarer words are left out: an average over one or two posts is mostly noise.",
        )
    )
    words = aggregate_tokens(run.view.attributions.tokens, min_count=min_count)
    if words.empty:
        st.info(
            f"No word occurs {min_count:,} times or more in the explained posts: lower the number above.",
            icon=":material/info:",
        )
        return
    for column, label in zip(st.columns(len(labels)), labels, strict=True):
        figure = global_tokens_figure(plotly_text(words), label=label, n=TOP_WORDS)
        column.plotly_chart(figure, key=state.explain_chart_key("global", label))

    st.subheader("Posts behind a word")
    label_col, word_col = st.columns(2)
    label = label_col.selectbox("Label", list(labels), key=state.EXPLAIN_GLOBAL_LABEL)
    top = words[words["label"] == label].head(TOP_WORDS)
    if top.empty:
        return
    means = dict(zip(top["token"], top["mean_value"], strict=True))
    counts = dict(zip(top["token"], top["n_posts"], strict=True))
    word = word_col.selectbox(
        "Word",
        top["token"].tolist(),
        key=state.EXPLAIN_GLOBAL_TOKEN,
        format_func=lambda w: f"{w}   (mean {means[w]:+.3f}, in {counts[w]:,} posts)",
    )
    if word is None:
        return
    posts = explain_jobs.post_table(run, word, label)
    j = result.labels.index(label) if label in result.labels else None
    if j is not None:
        posts[f"score_{label}"] = result.scores[posts["row"].to_numpy(), j]
    posts["text"] = [result.posts.texts[row] for row in posts["row"]]
    st.caption("Pick a post to see it here; open it above for all its details.")
    event = st.dataframe(
        posts,
        key=state.EXPLAIN_GLOBAL_POSTS,
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        column_config={
            "value": st.column_config.NumberColumn("SHAP value", format="%+.3f"),
            "times": st.column_config.NumberColumn("times in post"),
            f"score_{label}": st.column_config.ProgressColumn(format="%.3f", min_value=0.0, max_value=1.0),
            "text": st.column_config.TextColumn(width="large"),
        },
    )
    picked = list(event.selection.rows) if event is not None else []
    if picked and picked[0] < len(posts):
        row = int(posts["row"].iloc[picked[0]])
        with st.container(border=True):
            st.markdown(f"**Post {row}**, {render.escape_markdown(label)} attributions")
            rows = run.view.attributions.for_post(row, label)
            st.html(highlight_html(result.posts.texts[row], rows))
            st.button(
                f"Explain post {row} above",
                on_click=open_row,
                args=(row,),
                icon=":material/arrow_upward:",
                help="Opens the post at the top of this page, with occlusion and what-if.",
            )


def open_row(row: int) -> None:
    """Button callback: show post ``row`` of the upload at the top of the page (and in the URL)."""
    st.query_params["row"] = str(row)
    state.put(state.EXPLAIN_ROW_SEEN, str(row))
    state.put(state.EXPLAIN_ROW, row)
    state.put(state.EXPLAIN_SOURCE, FROM_UPLOAD)
    state.put(state.SELECTED_ROW, row)
    st.toast(f"Post {row} is open at the top of the page.", icon=":material/arrow_upward:")


def load_model() -> tuple[Scorer, str] | None:
    """The model and its version, or None after showing why it cannot be loaded."""
    from core.errors import ModLensError

    try:
        with st.spinner("Loading the model (once per server)..."):
            model = resources.get_model()
    except ModLensError as exc:
        render.error(str(exc))
        return None
    return model, resources.model_version(model)
