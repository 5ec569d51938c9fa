"""Score posts in chunks, with progress, and turn scores into ``score_<label>`` / ``flag_<label>`` columns."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from core.io.posts import Posts

CHUNK_SIZE = 16_384
"""Posts per chunk: memory stays flat however long the file is."""


class Scorer(Protocol):
    """What scoring needs from a model (the real classifier or a test fake)."""

    labels_: list[str]
    thresholds_: dict[str, float]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (len(texts), len(labels_))."""
        ...


@dataclass(frozen=True)
class ScoringProgress:
    """Posts scored so far, of ``total``, and the rate since the start."""

    done: int
    total: int
    seconds: float

    @property
    def posts_per_second(self) -> float:
        """Average throughput so far."""
        return self.done / self.seconds if self.seconds > 0 else 0.0


def score_texts(
    model: Scorer,
    texts: Sequence[str],
    *,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[ScoringProgress], None] | None = None,
) -> np.ndarray:
    """Scores of all texts, computed chunk by chunk, shape (n, labels)."""
    started = time.perf_counter()
    out = np.empty((len(texts), len(model.labels_)), dtype=np.float32)
    for start in range(0, len(texts), chunk_size):
        chunk = texts[start : start + chunk_size]
        out[start : start + len(chunk)] = model.predict_proba(list(chunk))
        if progress:
            progress(ScoringProgress(start + len(chunk), len(texts), time.perf_counter() - started))
    if progress and not len(texts):
        progress(ScoringProgress(0, 0, 0.0))
    return out


def long_post_mask(model: Scorer, texts: Sequence[str]) -> np.ndarray:
    """True for posts longer than the model's window, scored in overlapping windows (for a "long post" marker).

    Models without windows (test fakes) mark nothing. The scored table's columns
    stay ``score_<label>`` / ``flag_<label>``: callers add a marker column themselves.
    """
    mask = getattr(model, "long_post_mask", None)
    if mask is None:
        return np.zeros(len(texts), dtype=bool)
    return np.asarray(mask(list(texts)), dtype=bool)


def unknown_word_counts(model: Scorer, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """Per post, its words and how many the model does not know; None for a model that cannot tell.

    See :mod:`core.model.vocabulary` for why it matters and the warning threshold.
    """
    counts = getattr(model, "unknown_words", None)
    if counts is None:
        return None
    n_words, n_unknown = counts(list(texts))
    return np.asarray(n_words, dtype=np.int64), np.asarray(n_unknown, dtype=np.int64)


def score_frame(labels: Sequence[str], scores: np.ndarray, thresholds: Mapping[str, float]) -> pd.DataFrame:
    """``score_<label>`` then ``flag_<label>`` (0/1 at the threshold) for each label."""
    columns: dict[str, np.ndarray] = {}
    for j, label in enumerate(labels):
        columns[f"score_{label}"] = scores[:, j].astype(np.float32)
        columns[f"flag_{label}"] = (scores[:, j] >= thresholds[label]).astype(np.int8)
    return pd.DataFrame(columns)


def reflag(scored: pd.DataFrame, thresholds: Mapping[str, float]) -> pd.DataFrame:
    """Recompute ``flag_<label>`` columns for new thresholds without rescoring."""
    out = scored.copy()
    for label, threshold in thresholds.items():
        out[f"flag_{label}"] = (out[f"score_{label}"] >= threshold).astype(np.int8)
    return out


def score_posts(
    model: Scorer,
    posts: Posts,
    *,
    thresholds: Mapping[str, float] | None = None,
    progress: Callable[[ScoringProgress], None] | None = None,
) -> pd.DataFrame:
    """All input columns in order, then ``score_<label>`` and ``flag_<label>`` per model label."""
    scores = score_texts(model, posts.texts, progress=progress)
    result = score_frame(model.labels_, scores, thresholds or model.thresholds_)
    taken = [c for c in result.columns if c in posts.frame.columns]
    base = posts.frame.drop(columns=taken) if taken else posts.frame
    return pd.concat([base.reset_index(drop=True), result], axis=1)
