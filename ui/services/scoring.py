"""Scoring posts for the dashboard: cached per input and model, computed in a worker thread.

* Scores are cached with ``st.cache_data`` keyed by the input's content hash,
  its text column and the model version, so the same file is never scored twice.
* Scoring runs in one worker thread shared by every session: the page polls its
  progress, and a page rerun or switch does not lose the work (the next run
  joins the job again).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from core.io.columns import find_id_column, id_column_problem
from core.io.posts import Posts
from core.scoring import Scorer, ScoringProgress, score_texts
from core.store.roles import Permission
from ui.services import auth
from ui.services.models import ModelRef, model_name, ref_of
from ui.services.post_markers import PostMarkers, post_markers
from ui.services.results import ScoredPosts

PROGRESS_CHUNK = 16_384
"""Posts per scoring call (as the CLI): larger chunks bucket lengths better; progress every 1-2 s on 2 cores."""
POLL_SECONDS = 0.2
"""How often a waiting page refreshes the progress bar."""

ScoreKey = tuple[str, str, str]
"""``(content hash, text column, model version)``."""


@dataclass(frozen=True)
class Scored:
    """What scoring an input gives: the scores, and what the table marks about each post."""

    scores: np.ndarray
    markers: PostMarkers


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_scores(
    content_hash: str,
    text_col: str,
    version: str,
    _model: Scorer,
    _texts: Sequence[str],
    _progress: Callable[[ScoringProgress], None],
) -> Scored:
    """Scores and markers of ``_texts``; the cache key is the input's hash, text column and model version."""
    scores = score_texts(_model, _texts, chunk_size=PROGRESS_CHUNK, progress=_progress)
    return Scored(scores=scores, markers=post_markers(_model, _texts))


@dataclass
class ScoringJob:
    """Scores being computed in the worker thread, with the latest progress."""

    key: ScoreKey
    total: int
    future: Future = field(default_factory=Future)
    progress: ScoringProgress | None = None

    def update(self, event: ScoringProgress) -> None:
        """Progress callback of :func:`core.scoring.score_texts` (runs in the worker thread)."""
        self.progress = event

    def wait(self, on_progress: Callable[[ScoringProgress | None], None], poll: float = POLL_SECONDS) -> Scored:
        """Block until done, calling ``on_progress`` every ``poll`` seconds; re-raises scoring errors."""
        while True:
            try:
                return self.future.result(timeout=poll)
            except FutureTimeout:
                on_progress(self.progress)


class _JobBoard:
    """Running scoring jobs by key; one worker thread so that jobs do not fight for the CPU."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._jobs: dict[ScoreKey, ScoringJob] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="modlens-score")

    def start(self, key: ScoreKey, model: Scorer, texts: Sequence[str]) -> ScoringJob:
        """The running job for ``key``, or a new one (a cache hit finishes at once)."""
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and not job.future.done():
                return job
            job = ScoringJob(key=key, total=len(texts))
            job.future = self._pool.submit(_cached_scores, *key, _model=model, _texts=texts, _progress=job.update)
            self._jobs[key] = job
            job.future.add_done_callback(lambda _: self._forget(job))
            return job

    def _forget(self, job: ScoringJob) -> None:
        with self._lock:
            if self._jobs.get(job.key) is job:
                del self._jobs[job.key]


@st.cache_resource(show_spinner=False)
def _job_board() -> _JobBoard:
    return _JobBoard()


def start_scoring(
    model: Scorer, content_hash: str, text_col: str, texts: Sequence[str], ref: ModelRef | None = None
) -> ScoringJob:
    """Start (or join) scoring ``texts`` with ``model`` (``ref`` names it); returns the job to wait on.

    The session must be allowed to score.
    """
    auth.require(Permission.SCORE)
    key = (content_hash, text_col, (ref or ref_of(model)).version)
    return _job_board().start(key, model, texts)


def progress_text(progress: ScoringProgress) -> str:
    """Progress bar text: posts done of all, and the rate."""
    return f"Scored {progress.done:,} of {progress.total:,} posts · {progress.posts_per_second:,.0f} posts/s"


def default_id_column(posts: Posts) -> str | None:
    """The file's id column (found by name) when it can name every post, else None (row numbers)."""
    found = find_id_column([c for c in posts.frame.columns if c != posts.text_col])
    if found is None or id_column_problem(posts.frame[found]) is not None:
        return None
    return found


def scored_posts(
    model: Scorer,
    posts: Posts,
    scores: np.ndarray,
    seconds: float = 0.0,
    ref: ModelRef | None = None,
    markers: PostMarkers | None = None,
) -> ScoredPosts:
    """The posts with ``model``'s scores, labels, thresholds, name and reference; named by their id column."""
    return ScoredPosts(
        posts=posts,
        labels=tuple(model.labels_),
        scores=scores,
        model_thresholds=dict(model.thresholds_),
        model_name=model_name(model),
        seconds=seconds,
        model=ref or ref_of(model),
        id_col=default_id_column(posts),
        markers=markers,
    )
