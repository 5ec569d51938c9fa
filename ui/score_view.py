"""Streamlit sections of the Score page: input, column picker, progress, results, charts, export.

``pages/score.py`` calls these in order. Logic without Streamlit lives in
:mod:`ui.inputs` and :mod:`ui.results`; figures in :mod:`core.plots.scores`.
Post text is only shown through ``st.dataframe`` and :func:`ui.render.post_text`.
"""

from __future__ import annotations

import logging
import time

import numpy as np
import pandas as pd
import streamlit as st

from core.errors import ModLensError
from core.io.posts import SUPPORTED, Posts
from core.plots import scores as figures
from core.scoring import Scorer, ScoringProgress
from ui import inputs, render, resources, results, state
from ui.results import ScoredPosts

log = logging.getLogger("modlens.ui")
NO_COLUMN = "(none)"
LAZY_ROWS = 20_000
"""Tables longer than this send only the rows in view to the browser (no row selection there)."""
UPLOAD_HELP = (
    f"{SUPPORTED}, up to 200 MB, one post per row. The text column is found by name "
    "(text, comment_text, content, body, post, message, tweet); otherwise you pick it."
)


def input_section() -> Posts | None:
    """Upload, sample and paste controls; returns posts that are new in this run, if any.

    Problems are stored with :func:`ui.state.set_error` (shown by :func:`error_section`),
    so earlier results stay on the page.
    """
    upload_col, sample_col = st.columns([3, 1], vertical_alignment="center")
    with upload_col:
        uploaded = st.file_uploader("Upload a file of posts", key=state.UPLOAD, help=UPLOAD_HELP)
    with sample_col:
        use_sample = st.button("Use sample posts", icon=":material/dataset:", width="stretch")
    with st.expander("Or paste a few posts", icon=":material/edit_note:"):
        pasted = st.text_area("Posts, one per line", key=state.PASTE, height=140)
        use_paste = st.button("Score pasted posts", icon=":material/play_arrow:")

    try:
        if uploaded is not None and uploaded.file_id != state.get(state.UPLOAD_SEEN):
            state.put(state.UPLOAD_SEEN, uploaded.file_id)
            return handle_upload(uploaded.name, uploaded.getvalue())
        if use_sample or state.take_sample_request():
            return inputs.sample_posts()
        if use_paste:
            return inputs.pasted_posts(pasted or "")
    except ModLensError as exc:
        state.set_error(str(exc))
    except Exception as exc:  # a reader bug must not take the page down; the log keeps the traceback
        log.exception("Unexpected error while reading input")
        state.set_error(f"The input could not be read ({type(exc).__name__}). Check the file, or report this problem.")
    return None


def handle_upload(name: str, data: bytes) -> Posts | None:
    """Read an uploaded file: posts, or None after storing it for the column picker.

    Raises
    ------
    ModLensError
        With core's message when the file cannot be read.

    """
    with st.spinner("Reading the file..."):
        loaded = inputs.load_upload(name, data)
    if isinstance(loaded, inputs.NeedsTextColumn):
        state.put(state.PENDING_COLUMNS, loaded)
        state.pop(state.TEXT_COLUMN_PICK)
        state.set_error(None)
        return None
    return loaded


def column_picker() -> Posts | None:
    """When the last file had no text column by name: pick one; returns the posts once confirmed."""
    pending: inputs.NeedsTextColumn | None = state.get(state.PENDING_COLUMNS)
    if pending is None:
        return None
    placeholder = st.empty()
    with placeholder.container(border=True):
        st.warning(
            "No column is named like post text (text, comment_text, content, body, post, message, tweet). "
            "Pick the column that holds the posts.",
            icon=":material/table_view:",
        )
        column = st.selectbox("Text column", pending.candidates, key=state.TEXT_COLUMN_PICK)
        st.caption("First rows of the file:")
        st.dataframe(pending.frame.head(5), hide_index=True)
        if st.button("Score this column", type="primary", icon=":material/play_arrow:"):
            try:
                posts = inputs.with_text_column(pending, column)
            except ModLensError as exc:
                state.set_error(str(exc))
                return None
            placeholder.empty()
            return posts
    return None


def error_section() -> None:
    """The last input problem, if any, shown literally."""
    message = state.get(state.ERROR)
    if message:
        render.error(message)


def accept(posts: Posts) -> None:
    """New posts to score: forget the previous input's picker, error and selection."""
    state.pop(state.PENDING_COLUMNS)
    state.set_error(None)
    state.forget_input_widgets()
    state.put(state.PENDING_SCORE, posts)


def scoring_section(model: Scorer) -> None:
    """Score the pending posts (if any) with a progress bar; the result goes to the session state."""
    posts: Posts | None = state.get(state.PENDING_SCORE)
    if posts is None:
        return
    bar = st.progress(0.0, text=f"Scoring {len(posts):,} posts...")

    def show(progress: ScoringProgress | None) -> None:
        if progress is not None and progress.total:
            bar.progress(progress.done / progress.total, text=results.progress_text(progress))

    started = time.perf_counter()
    try:
        job = resources.start_scoring(model, posts.content_hash, posts.text_col, posts.texts)
        scores = job.wait(show)
    except ModLensError as exc:
        state.pop(state.PENDING_SCORE)
        state.set_error(str(exc))
        bar.empty()
        return
    except Exception as exc:  # a model failure must not retry forever on every rerun; the log keeps the traceback
        log.exception("Scoring failed")
        state.pop(state.PENDING_SCORE)
        state.set_error(f"Scoring failed ({type(exc).__name__}). The server log has the details.")
        bar.empty()
        return
    bar.empty()
    state.pop(state.PENDING_SCORE)
    state.put(
        state.RESULT,
        ScoredPosts(
            posts=posts,
            labels=tuple(model.labels_),
            scores=scores,
            model_thresholds=dict(model.thresholds_),
            model_name=str(resources.model_metadata(model)["name"]),
            seconds=time.perf_counter() - started,
        ),
    )


def threshold_sliders(result: ScoredPosts) -> dict[str, float]:
    """One slider per label, starting at the model's threshold; returns the chosen thresholds."""
    current = state.thresholds(result.labels, result.model_thresholds)
    columns = st.columns([*([3] * len(result.labels)), 1], vertical_alignment="bottom")
    chosen: dict[str, float] = {}
    for column, label in zip(columns, result.labels, strict=False):
        key = state.threshold_widget_key(label)
        if state.get(key) is None:  # first show, or back from another page: start at the remembered value
            state.put(key, current[label])
        chosen[label] = column.slider(
            f"{render.escape_markdown(label)} threshold",
            min_value=0.0,
            max_value=1.0,
            step=0.001,
            format="%.3f",
            key=key,
            help=f"Posts scoring at or above it are flagged. Model threshold: {result.model_thresholds[label]:.3f}.",
        )
    columns[-1].button(
        "Reset",
        on_click=state.reset_thresholds,
        args=(result.labels,),
        icon=":material/restart_alt:",
        help="Back to the model's thresholds.",
    )
    state.set_thresholds(chosen)
    return chosen


def summary_section(table: pd.DataFrame, labels: tuple[str, ...]) -> None:
    """Posts, flagged per label (with share) and share flagged for any label."""
    summary = results.summarize(table, labels)
    n = int(summary["posts"])
    cells = st.columns(len(labels) + 2)
    cells[0].metric("Posts", f"{n:,}")
    for cell, label in zip(cells[1:], labels, strict=False):
        flagged = int(summary[f"flagged_{label}"])
        share = flagged / n if n else 0.0
        name = f"Flagged {render.escape_markdown(label)}"
        cell.metric(name, f"{flagged:,}", f"{share:.1%} of posts", delta_color="off", delta_arrow="off")
    cells[-1].metric(
        "Flagged for any label",
        f"{int(summary['flagged_any']):,}",
        f"{summary['share_flagged']:.1%} of posts",
        delta_color="off",
        delta_arrow="off",
    )


def truth_pickers(result: ScoredPosts) -> dict[str, np.ndarray]:
    """Optional label columns for quick metrics; returns the parsed truth per label that has one."""
    posts = result.posts
    columns = [str(c) for c in posts.frame.columns if c != posts.text_col]
    guesses = inputs.guess_truth_columns(columns, result.labels, posts.text_col)
    truth: dict[str, np.ndarray] = {}
    with st.expander("Label columns for quick metrics", icon=":material/rule:", expanded=any(guesses.values())):
        st.caption("If the file says which posts are toxic or hateful, pick those columns (0/1, true/false, 0..1).")
        pick_cols = st.columns(len(result.labels))
        for cell, label in zip(pick_cols, result.labels, strict=False):
            options = [NO_COLUMN, *columns]
            guess = guesses[label]
            column = cell.selectbox(
                f"Truth for {render.escape_markdown(label)}",
                options,
                index=options.index(guess) if guess in options else 0,
                key=state.truth_widget_key(label),
            )
            if column == NO_COLUMN:
                continue
            try:
                truth[label] = posts.labels(column)
            except ModLensError as exc:
                with cell:
                    render.error(str(exc))
    return truth


def table_section(result: ScoredPosts, table: pd.DataFrame) -> None:
    """Filters, the sortable table of all posts, and the selected post with its link to Explain."""
    labels = result.labels
    search_col, label_col, flag_col, range_col = st.columns([3, 2, 2, 3])
    search = search_col.text_input("Search post text", key=state.SEARCH, placeholder="word or phrase")
    label = label_col.selectbox("Label", [results.ANY_LABEL, *labels], key=state.FILTER_LABEL)
    flag = flag_col.selectbox("Flag", results.FLAG_CHOICES, key=state.FILTER_FLAG)
    score_range = range_col.slider("Score range", 0.0, 1.0, (0.0, 1.0), step=0.01, key=state.FILTER_RANGE)
    view = results.filter_rows(
        table, result.texts, labels, search=search, label=label, flag=flag, score_range=score_range
    )
    large = len(view) > LAZY_ROWS
    how = "type a post's row number below to open it" if large else "pick a row to open the post"
    st.caption(f"Showing {len(view):,} of {len(table):,} posts. Click a column header to sort; {how}.")
    display = view.copy()
    for column in results.flag_columns(labels):
        display[column] = display[column].astype(bool)
    text_col = result.posts.text_col
    ordered = [text_col, *[c for label in labels for c in (f"score_{label}", f"flag_{label}")]]
    ordered += [c for c in display.columns if c not in ordered]
    config: dict[str, object] = {text_col: st.column_config.TextColumn(width="large")}
    for label in labels:
        config[f"score_{label}"] = st.column_config.ProgressColumn(format="%.3f", min_value=0.0, max_value=1.0)
        config[f"flag_{label}"] = st.column_config.CheckboxColumn()
    height: int | str = "auto" if len(display) <= 10 else 420
    row: int | None = None
    if large:  # only the rows in view travel to the browser; row selection is not available then
        st.dataframe(display, column_order=ordered, column_config=config, height=420, lazy=True)
        typed = st.number_input(
            "Open post number", min_value=0, max_value=len(table) - 1, value=None, step=1, key=state.OPEN_ROW
        )
        row = None if typed is None else int(typed)
    else:
        event = st.dataframe(
            display,
            key=state.TABLE,
            on_select="rerun",
            selection_mode="single-row",
            column_order=ordered,
            column_config=config,
            height=height,
        )
        picked = list(event.selection.rows) if event is not None else []
        if picked and picked[0] < len(view):
            row = int(view.index[picked[0]])
    if row is not None:
        selected_post(result, row)


def selected_post(result: ScoredPosts, row: int) -> None:
    """The picked post, verbatim, with its scores and a link that opens it on the Explain page."""
    state.put(state.SELECTED_ROW, row)
    with st.container(border=True):
        scores = ", ".join(f"{label} {result.scores[row, j]:.3f}" for j, label in enumerate(result.labels))
        st.markdown(f"**Post {row}** ({render.escape_markdown(scores)})")
        render.post_text(result.posts.texts[row])
        st.page_link(
            "pages/explain.py", label="Explain this post", icon=":material/lightbulb:", query_params={"row": str(row)}
        )


def metrics_section(result: ScoredPosts, truth: dict[str, np.ndarray], thresholds: dict[str, float]) -> None:
    """Quick metrics at the chosen thresholds for labels with a truth column."""
    rows = []
    for label, values in truth.items():
        j = result.labels.index(label)
        rows.append({"label": label, **results.label_metrics(values, result.scores[:, j], thresholds[label])})
    if rows:
        frame = pd.DataFrame(rows)
        keep = ["label", "n", "positives", "threshold", "precision", "recall", "f1", "roc_auc", "pr_auc", "flagged"]
        st.dataframe(
            frame[keep],
            hide_index=True,
            column_config={c: st.column_config.NumberColumn(format="%.3f") for c in keep[3:9]},
        )


def charts_section(result: ScoredPosts, truth: dict[str, np.ndarray], thresholds: dict[str, float]) -> None:
    """Per label: score distribution with the threshold; with truth, ROC, precision-recall and confusion."""
    hist_cols = st.columns(len(result.labels))
    for cell, (j, label) in zip(hist_cols, enumerate(result.labels), strict=False):
        fig = figures.score_histogram(
            result.scores[:, j], label=label, threshold=thresholds[label], truth=truth.get(label)
        )
        cell.plotly_chart(fig, key=state.chart_key("hist", label))
    for j, label in enumerate(result.labels):
        if label not in truth:
            continue
        scores, labelled = result.scores[:, j], truth[label]
        cells = st.columns(3)
        for cell, make, name in zip(
            cells,
            (figures.roc_figure, figures.pr_figure, figures.confusion_figure),
            ("roc", "pr", "confusion"),
            strict=True,
        ):
            cell.plotly_chart(
                make(labelled, scores, label=label, threshold=thresholds[label]), key=state.chart_key(name, label)
            )


def export_section(result: ScoredPosts, thresholds: dict[str, float]) -> None:
    """CSV and Parquet downloads of the whole scored table at the chosen thresholds."""
    chosen = dict(thresholds)
    csv_col, parquet_col, note_col = st.columns([1, 1, 3], vertical_alignment="center")
    csv_col.download_button(
        "Download CSV",
        data=lambda: results.export_csv(result, chosen),
        file_name=results.export_name(result, ".csv"),
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
    parquet_col.download_button(
        "Download Parquet",
        data=lambda: results.export_parquet(result, chosen),
        file_name=results.export_name(result, ".parquet"),
        mime="application/vnd.apache.parquet",
        on_click="ignore",
        icon=":material/download:",
    )
    note_col.caption(
        "All posts with scores and flags at the thresholds above. CSV: cells that a spreadsheet would run "
        "as a formula are escaped with a leading `'`, and `threshold_<label>` columns record the thresholds. "
        "Parquet: the thresholds are in the file's metadata."
    )
