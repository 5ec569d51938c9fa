"""Scoring posts with a progress bar: joins the background job and turns failures into a message."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import streamlit as st

from core.errors import ModLensError
from core.io.posts import Posts
from core.scoring import Scorer, ScoringProgress
from ui.services import failures
from ui.services.models import ModelRef
from ui.services.results import ScoredPosts
from ui.services.scoring import progress_text, scored_posts, start_scoring

log = logging.getLogger("modlens.ui")


def score_with_progress(
    model: Scorer, posts: Posts, *, on_error: Callable[[str], None], ref: ModelRef | None = None
) -> ScoredPosts | None:
    """The posts scored by ``model`` (cached per content and model version), with a progress bar meanwhile.

    A problem is handed to ``on_error`` as a message (a model failure is logged
    with its traceback) and the result is None, so a failing model is not retried
    on every rerun.
    """
    bar = st.progress(0.0, text=f"Scoring {len(posts):,} posts...")

    def show(progress: ScoringProgress | None) -> None:
        if progress is not None and progress.total:
            bar.progress(progress.done / progress.total, text=progress_text(progress))

    started = time.perf_counter()
    try:
        scored = start_scoring(model, posts.content_hash, posts.text_col, posts.texts, ref).wait(show)
    except ModLensError as exc:
        bar.empty()
        on_error(str(exc))
        return None
    except Exception as exc:  # the log keeps the traceback
        log.exception("Scoring failed")
        bar.empty()
        on_error(
            failures.unexpected(
                "Scoring",
                exc,
                step=f"on {len(posts):,} posts",
                tries="Try again; if the file is large, try a part of it first.",
            )
        )
        return None
    bar.empty()
    seconds = time.perf_counter() - started
    return scored_posts(model, posts, scored.scores, seconds=seconds, ref=ref, markers=scored.markers)
