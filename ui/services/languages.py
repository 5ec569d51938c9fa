"""The language of every post of an upload: detected with its scores, shown in the table, counted and filtered.

The model reads English only, so a post detected as another language (with enough
confidence) is marked, the share of such posts is said once per upload, and the
table can be filtered by language. Detection (:func:`core.language.detect_languages`,
about 1 s per 1,000 posts on 2 cores) runs in the scoring job, after the scores, and
is cached per upload like them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from core.language import UNKNOWN, detect_languages, language_shares, non_english_summary

CHUNK = 2_000
"""Posts per detection call (progress between calls)."""
CACHE_ENTRIES = 16
CACHE_SECONDS = 6 * 3600
WARNING = "⚠️"
"""Marker of a post detected as another language than English (an emoji: no icon font needed)."""
LANGUAGE = "language"
"""Column of the Score table (and the filter) with each post's language."""


@dataclass(frozen=True)
class DetectionProgress:
    """Posts whose language is known so far, of ``total``."""

    done: int
    total: int


def detect(texts: Sequence[object], progress: Callable[[DetectionProgress], None] | None = None) -> pd.DataFrame:
    """:func:`core.language.detect_languages` of every text, in chunks, reporting progress between them."""
    parts = []
    for start in range(0, len(texts), CHUNK):
        chunk = list(texts[start : start + CHUNK])
        parts.append(detect_languages(chunk, index=range(start, start + len(chunk))))
        if progress is not None:
            progress(DetectionProgress(start + len(chunk), len(texts)))
    if not parts:
        return detect_languages([])
    return pd.concat(parts)


class _NotCachedError(Exception):
    """Raised inside :func:`_language_cache` to look an upload up without detecting (exceptions are not cached)."""


def _not_cached() -> pd.DataFrame:
    raise _NotCachedError


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_SECONDS)
def _language_cache(content_hash: str, text_col: str, _compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    return _compute()


def languages_of(
    content_hash: str,
    text_col: str,
    texts: Sequence[object],
    progress: Callable[[DetectionProgress], None] | None = None,
) -> pd.DataFrame:
    """The languages of an upload's posts (index 0..n-1), cached per upload and text column."""
    return _language_cache(content_hash, text_col, _compute=lambda: detect(texts, progress))


def cached_languages(content_hash: str, text_col: str) -> pd.DataFrame | None:
    """The cached languages of an upload, or None when they were not detected yet."""
    try:
        return _language_cache(content_hash, text_col, _compute=_not_cached)
    except _NotCachedError:
        return None


def progress_text(progress: DetectionProgress) -> str:
    """Progress bar text of the detection."""
    return f"Detecting languages: {progress.done:,} of {progress.total:,} posts"


def shown_language(language: str, confidence: float, reason: str, non_english: bool) -> str:
    """A cell of the ``language`` column: ``⚠️ es 0.97``, ``en 0.99``, ``unknown (too short)``."""
    if language == UNKNOWN:
        return f"{UNKNOWN} ({reason})" if reason else UNKNOWN
    shown = f"{language} {confidence:.2f}" if not math.isnan(confidence) else language
    return f"{WARNING} {shown}" if non_english else shown


def language_column(languages: pd.DataFrame, rows: Sequence[int]) -> list[str]:
    """The ``language`` cells of ``rows``."""
    part = languages.loc[list(rows)]
    return [
        shown_language(lang, float(conf), reason, bool(warn))
        for lang, conf, reason, warn in zip(
            part["language"], part["confidence"], part["reason"], part["non_english"], strict=True
        )
    ]


def banner(languages: pd.DataFrame) -> str | None:
    """The per-upload warning when some posts look non-English; None when none does."""
    summary = non_english_summary(languages)
    if summary.empty or int(summary["n_non_english"].iloc[0]) == 0:
        return None
    n, bad = int(summary["n"].iloc[0]), int(summary["n_non_english"].iloc[0])
    share = float(summary["share_non_english"].iloc[0])
    top = language_shares(languages[languages["non_english"]])
    named = ", ".join(f"{row.language} ({row.n:,})" for row in top.head(3).itertuples())
    return (
        f"{share:.0%} of this upload ({bad:,} of {n:,} posts) looks non-English: {named}. The model reads English "
        f"only, so the scores of those posts are unreliable. They are marked {WARNING} in the language column."
    )


def choices(languages: pd.DataFrame) -> list[str]:
    """Languages of the upload for the filter, most common first (``unknown`` last)."""
    shares = language_shares(languages)
    found = [str(lang) for lang in shares["language"]]
    return [lang for lang in found if lang != UNKNOWN] + ([UNKNOWN] if UNKNOWN in found else [])


def label_of(language: str, languages: pd.DataFrame) -> str:
    """A filter option: ``es · 12 posts``."""
    n = int((languages["language"] == language).sum())
    return f"{language} · {n:,} post{'s' if n != 1 else ''}"


def keep(languages: pd.DataFrame, rows: pd.Index, chosen: Sequence[str]) -> np.ndarray:
    """Which of ``rows`` are in one of the ``chosen`` languages (all when none is chosen)."""
    if not chosen:
        return np.ones(len(rows), dtype=bool)
    return languages.loc[list(rows), "language"].isin(list(chosen)).to_numpy()
