"""What the Score table marks about each post besides its scores: read in windows, words the model does not know.

The one place that names the columns the dashboard adds to the scored table, so that
other additions (a ``language`` column, redaction) go next to them. No Streamlit.

* ``long post``: the post has more words than the model reads at once, so it was
  scored in overlapping windows and each label took its highest window
  (:func:`core.scoring.long_post_mask`).
* ``unknown words``: the share of the post's words outside the model's vocabulary
  (:mod:`core.model.vocabulary`); from :data:`UNKNOWN_WARN_SHARE` on, the score mostly
  reflects what the model cannot read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.model.vocabulary import UNKNOWN_WARN_SHARE, unknown_share, upload_share
from core.scoring import Scorer, long_post_mask, unknown_word_counts

__all__ = [
    "LONG_POST",
    "MARKER_COLUMNS",
    "MOSTLY_UNKNOWN",
    "UNKNOWN_WARN_SHARE",
    "UNKNOWN_WORDS",
    "PostMarkers",
    "post_markers",
]

LONG_POST = "long post"
"""Column: True when the post was scored in windows."""
UNKNOWN_WORDS = "unknown words"
"""Column: share of the post's words the model does not know (empty for a post without words)."""
MOSTLY_UNKNOWN = "mostly unknown"
"""Column: True from :data:`UNKNOWN_WARN_SHARE` unknown words on (the score is unreliable)."""
MARKER_COLUMNS = (LONG_POST, UNKNOWN_WORDS, MOSTLY_UNKNOWN)
"""The columns the dashboard adds to the scored table, in order."""


@dataclass(frozen=True)
class PostMarkers:
    """Per post: scored in windows, its words and how many the model does not know (None where it cannot tell)."""

    long_post: np.ndarray
    n_words: np.ndarray | None = None
    n_unknown: np.ndarray | None = None

    @property
    def unknown_share(self) -> np.ndarray | None:
        """Share of unknown words per post (NaN for a post without words), or None."""
        if self.n_words is None or self.n_unknown is None:
            return None
        return unknown_share(self.n_words, self.n_unknown)

    @property
    def upload_share(self) -> float:
        """Share of all the upload's words that the model does not know (NaN when unknown)."""
        if self.n_words is None or self.n_unknown is None:
            return float("nan")
        return upload_share(self.n_words, self.n_unknown)

    def mostly_unknown(self) -> np.ndarray:
        """True for posts with at least :data:`UNKNOWN_WARN_SHARE` of their words unknown."""
        share = self.unknown_share
        if share is None:
            return np.zeros(len(self.long_post), dtype=bool)
        return np.nan_to_num(share, nan=0.0) >= UNKNOWN_WARN_SHARE

    def columns(self, index: pd.Index) -> pd.DataFrame:
        """The marker columns for the table rows at ``index`` (positions)."""
        rows = np.asarray(index, dtype=np.int64)
        share = self.unknown_share
        return pd.DataFrame(
            {
                LONG_POST: self.long_post[rows],
                UNKNOWN_WORDS: share[rows] if share is not None else np.full(len(rows), np.nan),
                MOSTLY_UNKNOWN: self.mostly_unknown()[rows],
            },
            index=index,
        )


def post_markers(model: Scorer, texts: Sequence[str]) -> PostMarkers:
    """The markers of ``texts`` as ``model`` reads them (models that cannot tell mark nothing)."""
    counts = unknown_word_counts(model, texts)
    n_words, n_unknown = counts if counts is not None else (None, None)
    return PostMarkers(long_post=long_post_mask(model, texts), n_words=n_words, n_unknown=n_unknown)
