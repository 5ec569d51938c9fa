"""The Bias page's posts: the last scored ones, the sample posts or an upload (scored here, cached per file)."""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from core.io.posts import Posts
from core.scoring import Scorer
from ui import state
from ui.components import model_loader, upload
from ui.components.safe_text import error, escape_markdown, note
from ui.components.scored_by import scored_by_section
from ui.components.scoring_progress import score_with_progress
from ui.services import inputs, session
from ui.services.bias import data_id
from ui.services.models import ModelRef
from ui.services.results import ScoredPosts

SOURCE_LAST = "Last scored posts"
SOURCE_SAMPLE = "Sample posts"
SOURCE_UPLOAD = "Upload a file"
SOURCES = (SOURCE_LAST, SOURCE_SAMPLE, SOURCE_UPLOAD)
INTRO = (
    "Does the model treat posts that mention identity groups (women, Muslims, gay people, ...) differently? "
    "Compare its scores per group on labelled posts, on unlabelled posts (flag rates), on built-in template "
    "sentences and with identity terms swapped."
)
SOURCE = "modlens.bias.source"
"""Widget key of the choice of posts to analyse (last scored posts, sample posts, an upload)."""
UPLOAD = "modlens.bias.upload"
"""Widget key of the Bias page's file uploader."""
FILE = "modlens.bias.file"
"""``(file_id, Posts | NeedsTextColumn | error message)`` of the last file read on the Bias page."""
TEXT_COLUMN = "modlens.bias.text_column"
"""Widget key of the text-column picker of an upload without a text column by name."""
SCORED = "modlens.bias.scored"
"""``(score key, ScoredPosts)`` of the sample or upload last scored on the Bias page."""
FAILED = "modlens.bias.failed"
"""``(score key, message)`` of the last scoring that failed: shown again, not retried on every rerun."""
RETRY = "modlens.bias.retry"
"""Key of the button that scores the posts again after a failure."""
RESCORE = "modlens.bias.rescore"
"""Key of the button that rescores the last scored posts with the active model."""


def data_section(active: tuple[Scorer, ModelRef]) -> tuple[str, ScoredPosts, tuple[Scorer, ModelRef]] | None:
    """Choose the posts: the last scored ones, the sample posts or an upload.

    Returns ``(data id, scored posts, (model, reference))`` with the model that scored
    the posts (the last scored posts may come from another version than the active one).
    """
    model, ref = active
    last: ScoredPosts | None = session.last_result()
    source = st.radio(
        "Posts to analyse",
        SOURCES,
        index=0 if last is not None else 1,
        key=SOURCE,
        horizontal=True,
        help="The last posts scored on the Score page (their scores are reused), the bundled sample posts "
        "(with toxic and hate labels), or a file uploaded here.",
    )
    scored: ScoredPosts | None
    if source == SOURCE_LAST:
        if last is None:
            st.info(
                "No posts scored yet. Score a file on the Score page, or pick the sample posts or an upload.",
                icon=":material/upload_file:",
            )
            st.page_link("pages/score.py", label="Go to the Score page", icon=":material/fact_check:")
            return None
        scored = last
    elif source == SOURCE_SAMPLE:
        scored = _score(model, ref, inputs.sample_posts())
    else:
        scored = _uploaded(model, ref)
    if scored is None:
        return None
    name = scored.posts.source_name or "posts"
    st.caption(escape_markdown(f"{name}: {len(scored):,} posts."))
    scored_by_section(scored, active, key=RESCORE)
    used = model_loader.result_model(scored, active)
    if used is None:
        return None
    return data_id(source, scored), scored, used


def _uploaded(model: Scorer, ref: ModelRef) -> ScoredPosts | None:
    """The uploader, the text-column picker if needed, and the uploaded posts scored (cached per file)."""
    uploaded = st.file_uploader(
        "Upload a file of posts (ideally with a label column and identity columns)",
        key=UPLOAD,
        help="CSV, TSV, JSON Lines, Parquet or Excel, one post per row. Label and identity columns hold "
        "0/1, true/false or fractions of annotators (0.5 or more counts).",
    )
    if uploaded is None:
        st.info("Upload a file to analyse it.", icon=":material/upload_file:")
        return None
    loaded, new = upload.read_once(uploaded, FILE, upload.read_posts_file)
    if new:
        state.pop(TEXT_COLUMN)
    if isinstance(loaded, str):
        error(loaded)
        return None
    if isinstance(loaded, inputs.NeedsTextColumn):
        column = upload.text_column_picker(
            loaded,
            key=TEXT_COLUMN,
            help="No column is named like post text (text, comment_text, content, ...): pick the one with the posts.",
        )
        try:
            loaded = inputs.with_text_column(loaded, column)
        except ModLensError as exc:
            error(str(exc))
            return None
    for message in loaded.notes:
        note(message)
    return _score(model, ref, loaded)


def _score(model: Scorer, ref: ModelRef, posts: Posts) -> ScoredPosts | None:
    """Scores of ``posts`` (cached per content and model version), with a progress bar while scoring.

    A failure is remembered for these posts and this model: the page shows it with a
    *Try again* button instead of scoring the whole file again on every click.
    """
    key = (posts.content_hash, str(posts.text_col), ref.version)
    stored = state.get(SCORED)
    if stored is not None and stored[0] == key:
        return stored[1]
    failed = state.get(FAILED)
    if failed is not None and failed[0] == key:
        if not st.button("Try again", key=RETRY, icon=":material/refresh:"):
            error(failed[1])
            return None
        state.pop(FAILED)
    problems: list[str] = []

    def _failed(message: str) -> None:
        problems.append(message)
        error(message)

    scored = score_with_progress(model, posts, on_error=_failed, ref=ref)
    if scored is not None:
        state.put(SCORED, (key, scored))
    elif problems:
        state.put(FAILED, (key, problems[-1]))
    return scored
