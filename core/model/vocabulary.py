"""Words a model does not know: how much of each post falls outside the vectoriser's vocabulary.

The network only sees words of its ``TextVectorization`` vocabulary; every other
word becomes the one out-of-vocabulary id, so an emoji-only or a non-English post
scores like an empty one and its explanation credits that id with the whole score.
The dashboard shows each post's share of unknown words, warns from
:data:`UNKNOWN_WARN_SHARE`, and gives one figure per upload.

This module is plain NumPy (token ids in, counts out); the classifier feeds it the
same token ids it scores (:meth:`core.model.classifier.ToxicityClassifier.unknown_words`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "OOV_TOKEN",
    "UNKNOWN_WARN_SHARE",
    "count_unknown",
    "oov_id",
    "savable_vocabulary",
    "unknown_share",
    "upload_share",
]

OOV_TOKEN = "[UNK]"
"""Keras' out-of-vocabulary token (id 1 with the default one OOV index)."""
UNKNOWN_WARN_SHARE = 0.5
"""From this share of unknown words on, a post's score mostly reflects what the model cannot read: warn.

Half is where the words the model knows no longer outnumber those it does not; posts of
a foreign language or only emoji sit near 1, ordinary English posts below 0.2."""


def oov_id(vocabulary: Sequence[str]) -> int:
    """Id of the out-of-vocabulary token in ``vocabulary`` (1 when the vocabulary does not list it)."""
    for index, word in enumerate(vocabulary[:4]):
        if str(word) == OOV_TOKEN:
            return index
    return 1


def savable_vocabulary(vocabulary: Sequence[str]) -> list[str]:
    r"""``vocabulary`` without the terms that a saved model could not read back.

    Keras saves a vocabulary as one term per line and reads it back with
    ``str.splitlines``; the words of a post are split on ASCII white space only, so
    a term can hold a Unicode line or paragraph separator (``\u2028``, ``\x85``,
    ``\x1c``) and would read back as two terms, one of them empty: the saved model
    then fails to load. Such terms are dropped (their words become unknown words);
    the padding term ``""`` in first place is kept.
    """
    terms = [str(term) for term in vocabulary]
    return terms[:1] + [term for term in terms[1:] if term.splitlines() == [term]]


def count_unknown(ids: np.ndarray, unknown_id: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row of word ids (0 = padding): the number of words and of unknown words."""
    ids = np.asarray(ids)
    if ids.ndim == 1:
        ids = ids[None, :]
    return np.count_nonzero(ids, axis=1), np.count_nonzero(ids == unknown_id, axis=1)


def unknown_share(n_words: np.ndarray, n_unknown: np.ndarray) -> np.ndarray:
    """Share of unknown words per post; NaN for a post without words (nothing to share)."""
    n_words = np.asarray(n_words, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n_words > 0, np.asarray(n_unknown, dtype=float) / np.maximum(n_words, 1), np.nan)


def upload_share(n_words: np.ndarray, n_unknown: np.ndarray) -> float:
    """Share of all the words of an upload that the model does not know (NaN when it has no words)."""
    total = float(np.sum(n_words))
    return float(np.sum(n_unknown)) / total if total else float("nan")
