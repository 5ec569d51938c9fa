"""Shared, cached resources of the dashboard: the model and the scores of each input.

* The model is loaded once per server process (``st.cache_resource``), warmed
  up, and shared by every session. A retrained model directory (new
  ``metadata.json``) is picked up on the next call.
* Scores are cached with ``st.cache_data`` keyed by the input's content hash,
  its text column and the model version, so the same file is never scored twice.
* Scoring runs in a worker thread: the page polls its progress, and a page
  rerun or switch does not lose the work (the next run picks the job up again).

Tests replace :func:`load_classifier` (e.g. with ``monkeypatch.setattr``) to
run the pages with a small fake model; TensorFlow is only imported by it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import streamlit as st

from core.registry import active_model_dir
from core.scoring import Scorer, ScoringProgress, score_texts

PROGRESS_CHUNK = 16_384
"""Posts per scoring call (as the CLI): larger chunks bucket lengths better; progress every 1-2 s on 2 cores."""
POLL_SECONDS = 0.2
"""How often a waiting page refreshes the progress bar."""


def load_classifier(model_dir: Path) -> Scorer:
    """Load the classifier from ``model_dir`` and warm it up (imports TensorFlow)."""
    from core.model.classifier import ToxicityClassifier

    return ToxicityClassifier.load(model_dir).warm_up()


@st.cache_resource(show_spinner=False, max_entries=2)
def _cached_model(model_dir: str, stamp: float) -> Scorer:
    """One model per directory and version stamp, for the whole server process."""
    return load_classifier(Path(model_dir))


def _stamp(directory: Path) -> float:
    """Modification time of the model's metadata: changes when the model is retrained."""
    try:
        return (directory / "metadata.json").stat().st_mtime
    except OSError:
        return 0.0


def get_model() -> Scorer:
    """The active model (``$MODLENS_MODEL`` or ``assets/model``), loaded once and warmed up.

    Raises
    ------
    ModLensError
        When the model directory is missing or damaged (not cached: fixed on the next call).

    """
    directory = active_model_dir()
    return _cached_model(str(directory.resolve()), _stamp(directory))


def get_model_at(directory: Path) -> Scorer:
    """The model in ``directory`` (e.g. a registry version), loaded once per server like the active one.

    Raises
    ------
    ModLensError
        When the model directory is missing or damaged.

    """
    return _cached_model(str(Path(directory).resolve()), _stamp(Path(directory)))


def model_metadata(model: Scorer) -> dict:
    """The model's metadata (name, labels, thresholds, training data, metrics); minimal if it has none."""
    metadata = dict(getattr(model, "metadata_", None) or {})
    metadata.setdefault("name", "unnamed model")
    metadata.setdefault("labels", list(model.labels_))
    metadata.setdefault("thresholds", dict(model.thresholds_))
    return metadata


def model_version(model: Scorer) -> str:
    """Short hash of the model's directory and metadata: part of every score cache key."""
    payload = json.dumps(
        {"dir": str(getattr(model, "model_dir_", "")), "metadata": model_metadata(model)},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_scores(
    content_hash: str,
    text_col: str,
    version: str,
    _model: Scorer,
    _texts: Sequence[str],
    _progress: Callable[[ScoringProgress], None],
) -> np.ndarray:
    """Scores of ``_texts``; the cache key is the input's hash, text column and model version."""
    return score_texts(_model, _texts, chunk_size=PROGRESS_CHUNK, progress=_progress)


ScoreKey = tuple[str, str, str]
"""``(content hash, text column, model version)``."""


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

    def wait(self, on_progress: Callable[[ScoringProgress | None], None], poll: float = POLL_SECONDS) -> np.ndarray:
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


def start_scoring(model: Scorer, content_hash: str, text_col: str, texts: Sequence[str]) -> ScoringJob:
    """Start (or join) scoring ``texts`` with ``model``; returns the job to wait on."""
    key = (content_hash, text_col, model_version(model))
    return _job_board().start(key, model, texts)


def clear_caches() -> None:
    """Forget the loaded model and all cached scores (tests; a new model directory)."""
    _cached_model.clear()
    _cached_scores.clear()
