"""Scoring posts for the dashboard: cached per input and model, computed in the server's job queue.

* Scores (with what the table marks about each post: scored in windows, unknown
  words) are cached with ``st.cache_data`` keyed by the input's content hash, its
  text column and the model version, so the same file is never scored twice; a
  cached input is answered at once, without queueing. The same job detects the
  posts' languages (:mod:`ui.services.languages`), cached per input.
* Otherwise scoring is a job of the server's queue (:mod:`ui.services.jobs`): it
  waits its turn, the page shows its place and then its progress, and a page rerun
  or switch does not lose the work (the next run joins the same job).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from core.io.columns import naming_id_column
from core.io.posts import Posts
from core.scoring import Scorer, ScoringProgress, score_texts
from core.store.roles import Permission
from ui.services import auth, jobs
from ui.services.languages import languages_of
from ui.services.models import ModelRef, model_name, ref_of
from ui.services.post_markers import PostMarkers, post_markers
from ui.services.results import ScoredPosts

PROGRESS_CHUNK = 16_384
"""Posts per scoring call (as the CLI): larger chunks bucket lengths better; progress every 1-2 s on 2 cores."""
CACHE_ENTRIES = 16
"""Inputs whose scores are kept (4 bytes per post and label, plus two counts per post)."""
CACHE_SECONDS = 6 * 3600
"""Scores not asked for in this long are dropped."""

ScoreKey = tuple[str, str, str]
"""``(content hash, text column, model version)``."""


@dataclass(frozen=True)
class Scored:
    """What scoring an input gives: the scores, and what the table marks about each post."""

    scores: np.ndarray
    markers: PostMarkers


class _NotCachedError(Exception):
    """Raised inside :func:`_score_cache` to look an input up without scoring it (exceptions are not cached)."""


def _not_cached() -> Scored:
    raise _NotCachedError


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_SECONDS)
def _score_cache(content_hash: str, text_col: str, version: str, _compute: Callable[[], Scored]) -> Scored:
    """Scores and markers of one input; the cache key is its hash, text column and model version."""
    return _compute()


def cached_scores(key: ScoreKey) -> Scored | None:
    """The cached scores (and markers) of an input, or None when it was not scored yet."""
    try:
        return _score_cache(*key, _compute=_not_cached)
    except _NotCachedError:
        return None


def score_key(model: Scorer, content_hash: str, text_col: str, ref: ModelRef | None = None) -> ScoreKey:
    """What identifies scores: the input's content hash, its text column and the model version (``ref``'s)."""
    return (content_hash, text_col, (ref or ref_of(model)).version)


def start_scoring(
    model: Scorer, content_hash: str, text_col: str, texts: Sequence[str], ref: ModelRef | None = None
) -> jobs.Job:
    """Queue scoring ``texts`` with ``model`` (``ref`` names it), or join the job already doing it.

    The session must be allowed to score. The job's result is a :class:`Scored`
    (scores, shape ``(len(texts), len(labels))``, and markers); the posts' languages
    are detected next and cached (:func:`ui.services.languages.languages_of`). Its
    progress is a :class:`core.scoring.ScoringProgress`, then a
    :class:`ui.services.languages.DetectionProgress`.
    """
    auth.require(Permission.SCORE)
    key = score_key(model, content_hash, text_col, ref)

    def work(job: jobs.Job) -> Scored:
        def compute() -> Scored:
            scores = score_texts(model, texts, chunk_size=PROGRESS_CHUNK, progress=job.update)
            return Scored(scores=scores, markers=post_markers(model, texts))

        scored = _score_cache(*key, _compute=compute)
        languages_of(content_hash, text_col, texts, progress=job.update)  # cached beside the scores
        return scored

    queue = jobs.job_queue()
    return queue.submit(work, owner=jobs.session_owner(), kind=jobs.SCORING, key=("scores", *key), slot="scoring")


def progress_text(progress: ScoringProgress) -> str:
    """Progress bar text: posts done of all, and the rate."""
    return f"Scored {progress.done:,} of {progress.total:,} posts · {progress.posts_per_second:,.0f} posts/s"


def default_id_column(posts: Posts) -> str | None:
    """The file's id column (found by name) when it can name every post, else None (row numbers)."""
    return naming_id_column(posts.frame, posts.text_col)


def scored_posts(
    model: Scorer,
    posts: Posts,
    scored: Scored | np.ndarray,
    seconds: float = 0.0,
    ref: ModelRef | None = None,
    languages: pd.DataFrame | None = None,
) -> ScoredPosts:
    """The posts with ``model``'s scores, labels, thresholds, name and reference; named by their id column.

    ``scored`` is a :class:`Scored` (scores and markers) or the scores alone (no markers).
    """
    markers = scored.markers if isinstance(scored, Scored) else None
    return ScoredPosts(
        posts=posts,
        labels=tuple(model.labels_),
        scores=scored.scores if isinstance(scored, Scored) else np.asarray(scored),
        model_thresholds=dict(model.thresholds_),
        model_name=model_name(model),
        seconds=seconds,
        model=ref or ref_of(model),
        id_col=default_id_column(posts),
        markers=markers,
        languages=languages,
    )
