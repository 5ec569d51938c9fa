"""The Explain page's global view: explain many posts of the upload in the background, with progress and Stop.

The run itself is :func:`ui.services.global_explanations.start_global`; its result is
shown by :mod:`ui.sections.explain.global_words`.
"""

from __future__ import annotations

import logging
from concurrent.futures import CancelledError

import streamlit as st

from core.explain import select_posts
from core.scoring import Scorer
from ui import state
from ui.components import thresholds
from ui.components.job_progress import GRACE_SECONDS, waiting_panel
from ui.components.safe_text import error
from ui.sections.explain import global_words
from ui.services import failures, global_explanations
from ui.services.results import ScoredPosts

log = logging.getLogger("modlens.ui")

FLAGGED = "Flagged posts"
ALL_POSTS = "All posts"
DEFAULT_MAX_POSTS = 300
"""Posts the global view explains by default (about a minute with the default model on 2 cores)."""
MAX_POSTS_LIMIT = 5_000
"""Most posts the global view may be asked to explain from the dashboard."""
SCOPE = "modlens.explain.global.scope"
"""Widget key of which posts the global view explains (flagged or all)."""
MAX_POSTS = "modlens.explain.global.max_posts"
"""Widget key of the most posts the global view explains."""
PENDING = "modlens.explain.global.pending"
"""The running global-explanation job (:class:`~ui.services.global_explanations.GlobalJob`); picked up on return."""
RESULT = "modlens.explain.global.result"
"""The last global explanation (:class:`ui.services.global_explanations.GlobalRun`)."""
ABOUT = (
    "Which words drive each label over many posts: every post is explained, then each word's SHAP "
    "values are averaged. Runs in the background; Stop keeps the posts already explained."
)
"""What the section shows, under its title."""


def global_section(result: ScoredPosts, model: Scorer, version: str) -> None:
    """Top words per label over the flagged (or all) posts of the upload, with their posts one click away."""
    st.header("Across the upload")
    st.caption(ABOUT)
    source = (result.posts.content_hash, result.posts.text_col, version)
    chosen = thresholds.chosen(result.labels, result.model_thresholds)
    flags = result.flagged(chosen)[[f"flag_{label}" for label in result.labels]].to_numpy().any(axis=1)

    scope_col, max_col, run_col = st.columns([2, 1, 1], vertical_alignment="bottom")
    scope = scope_col.radio(
        "Posts",
        [FLAGGED, ALL_POSTS],
        key=SCOPE,
        horizontal=True,
        help="Flagged for any label at the thresholds chosen on the Score page.",
    )
    help_max = "A seeded random sample when there are more."
    max_posts = int(
        max_col.number_input("At most", 1, MAX_POSTS_LIMIT, DEFAULT_MAX_POSTS, 50, key=MAX_POSTS, help=help_max)
    )
    pool = int(flags.sum()) if scope == FLAGGED else len(result)
    rows = select_posts(len(result), flagged=flags if scope == FLAGGED else None, max_posts=max_posts)
    description = _describe(len(rows), pool, scope)
    pending: global_explanations.GlobalJob | None = state.get(PENDING)
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
        pending = global_explanations.start_global(
            source, result.posts.texts, rows, model.predict_proba, model.labels_, description
        )
        state.put(PENDING, pending)
    if pending is not None:
        _wait(pending)
    run: global_explanations.GlobalRun | None = state.get(RESULT)
    if run is not None and run.source != source:  # another input or model since
        state.pop(RESULT)
        run = None
    if run is not None:
        global_words.global_results(run, result, tuple(model.labels_))


def _describe(n: int, pool: int, scope: str) -> str:
    """'the 12 flagged posts', '300 of the 1,204 posts (a random sample)'."""
    kind = "flagged posts" if scope == FLAGGED else "posts"
    if n == pool:
        return f"the {n:,} {kind}" if n != 1 else f"the 1 {kind[:-1]}"
    return f"{n:,} of the {pool:,} {kind} (a random sample)"


def _wait(job: global_explanations.GlobalJob) -> None:
    """Progress bar and Stop button until the worker is done; the result goes to the session state.

    A widget event interrupts this run (the job keeps going); the next run finds
    the job in the session state and waits again. So the job is only forgotten
    once it is done, never in a ``finally``: an interrupted run may unwind while
    the next run is already waiting.
    """
    if job.queued is not None and not job.queued.done and not job.queued.wait_turn(GRACE_SECONDS):
        with st.container(border=True):  # in line on the server: its place, and Stop to leave the line
            waiting_panel(job.queued, key="modlens-wait-global")
            st.button("Stop", on_click=job.stop, icon=":material/stop_circle:", help="Leave the line.")
        return
    box = st.empty()
    with box.container(border=True):
        bar = st.progress(job.fraction, text=job.progress_text())
        st.button(
            "Stop",
            on_click=job.stop,
            icon=":material/stop_circle:",
            help="Stop after the post in progress; the posts explained so far are kept.",
        )
    run: global_explanations.GlobalRun | None = None
    try:
        job.wait(lambda: bar.progress(min(job.fraction, 1.0), text=job.progress_text()))
        run = global_explanations.finish_global(job)
    except CancelledError:  # stopped while it waited in line: nothing was explained
        st.toast("Stopped before it started: no post was explained.", icon=":material/stop_circle:")
    except Exception as exc:  # a model failure must not retry on every rerun; the log keeps the traceback
        log.exception("Global explanation failed")
        done = f"after {job.done:,} of {len(job.todo):,} new posts"
        tries = "Try again with fewer posts ('At most'): posts explained before the failure are kept."
        error(failures.unexpected("Explaining the posts", exc, step=done, tries=tries))
    if state.get(PENDING) is job:
        state.pop(PENDING)
    box.empty()
    if run is not None:
        state.put(RESULT, run)
