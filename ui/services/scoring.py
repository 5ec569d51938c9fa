"""Scoring posts for the dashboard: cached per input and model, computed in the server's job queue.

* Scores are cached with ``st.cache_data`` keyed by the input's content hash,
  its text column and the model version, so the same file is never scored twice;
  a cached input is answered at once, without queueing. The same job detects the
  posts' languages (:mod:`ui.services.languages`), cached per input.
* Otherwise scoring is a job of the server's queue (:mod:`ui.services.jobs`): it
  waits its turn, the page shows its place and then its progress, and a page rerun
  or switch does not lose the work (the next run joins the same job).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from core.io.posts import Posts
from core.scoring import Scorer, ScoringProgress, score_texts
from ui.services import jobs
from ui.services.languages import languages_of
from ui.services.models import model_name, model_version
from ui.services.results import ScoredPosts

PROGRESS_CHUNK = 16_384
"""Posts per scoring call (as the CLI): larger chunks bucket lengths better; progress every 1-2 s on 2 cores."""
CACHE_ENTRIES = 16
"""Inputs whose scores are kept (4 bytes per post and label)."""
CACHE_SECONDS = 6 * 3600
"""Scores not asked for in this long are dropped."""

ScoreKey = tuple[str, str, str]
"""``(content hash, text column, model version)``."""


class _NotCachedError(Exception):
    """Raised inside :func:`_score_cache` to look an input up without scoring it (exceptions are not cached)."""


def _not_cached() -> np.ndarray:
    raise _NotCachedError


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_SECONDS)
def _score_cache(content_hash: str, text_col: str, version: str, _compute: Callable[[], np.ndarray]) -> np.ndarray:
    """Scores of one input; the cache key is its hash, text column and model version."""
    return _compute()


def cached_scores(key: ScoreKey) -> np.ndarray | None:
    """The cached scores of an input, or None when it was not scored yet."""
    try:
        return _score_cache(*key, _compute=_not_cached)
    except _NotCachedError:
        return None


def score_key(model: Scorer, content_hash: str, text_col: str) -> ScoreKey:
    """What identifies scores: the input's content hash, its text column and the model version."""
    return (content_hash, text_col, model_version(model))


def start_scoring(model: Scorer, content_hash: str, text_col: str, texts: Sequence[str]) -> jobs.Job:
    """Queue scoring ``texts`` with ``model`` (or join the job already doing it); returns the job to follow.

    Its result is the scores, shape ``(len(texts), len(labels))``; the posts' languages
    are detected next and cached (:func:`ui.services.languages.languages_of`). Its
    progress is a :class:`core.scoring.ScoringProgress`, then a
    :class:`ui.services.languages.DetectionProgress`.
    """
    key = score_key(model, content_hash, text_col)

    def work(job: jobs.Job) -> np.ndarray:
        def compute() -> np.ndarray:
            return score_texts(model, texts, chunk_size=PROGRESS_CHUNK, progress=job.update)

        scores = _score_cache(*key, _compute=compute)
        languages_of(content_hash, text_col, texts, progress=job.update)  # cached beside the scores
        return scores

    queue = jobs.job_queue()
    return queue.submit(work, owner=jobs.session_owner(), kind=jobs.SCORING, key=("scores", *key), slot="scoring")


def progress_text(progress: ScoringProgress) -> str:
    """Progress bar text: posts done of all, and the rate."""
    return f"Scored {progress.done:,} of {progress.total:,} posts · {progress.posts_per_second:,.0f} posts/s"


def scored_posts(
    model: Scorer, posts: Posts, scores: np.ndarray, seconds: float = 0.0, languages: pd.DataFrame | None = None
) -> ScoredPosts:
    """The posts with ``model``'s scores, labels, thresholds and name (and their languages)."""
    return ScoredPosts(
        posts=posts,
        labels=tuple(model.labels_),
        scores=scores,
        model_thresholds=dict(model.thresholds_),
        model_name=model_name(model),
        seconds=seconds,
        languages=languages,
    )
