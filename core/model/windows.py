"""Long posts read in overlapping windows of the model's sequence length; a post scores its highest window.

The network reads ``sequence_length`` word tokens (120 for the default model).
A post with more tokens is cut into windows of exactly that many tokens, each
starting half a window (:func:`window_stride`) after the previous one, the last
one ending at the post's last token, so every run of up to half a window plus
one tokens lies wholly inside some window. Each window is scored like a post of
its own and the post gets, per label, the **maximum** over its windows: an
insult at the end of a long post counts as much as one at the start. (A post
with at most ``sequence_length`` tokens is one window and scores as before.)

Windows are cut from the model's own token ids (no second reading of the text
for scoring), so they need no assumption about how the model splits text.
Posts are read up to :data:`MAX_SCORED_CHARS` characters.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.model.network import keras, tf

MAX_SCORED_CHARS = 100_000
"""Characters of a post read for scoring (about 17,000 words, some 280 windows); the rest is ignored."""
_FULL_BATCH = 64
"""Long posts vectorised per call at full length (they are padded to the longest of the call)."""


def window_stride(width: int) -> int:
    """Tokens from one window's start to the next: half a window."""
    return max(1, width // 2)


def window_starts(n_tokens: int, width: int) -> np.ndarray:
    """Start token of each window of a post with ``n_tokens`` tokens (one window when it fits)."""
    if n_tokens <= width:
        return np.zeros(1, dtype=np.int64)
    starts = np.arange(0, n_tokens - width, window_stride(width), dtype=np.int64)
    return np.append(starts, n_tokens - width)


def word_ids(tokens: np.ndarray) -> np.ndarray:
    """The word ids of a token array: the array itself, or the first channel of ``(n, time, channels)``."""
    return tokens if tokens.ndim == 2 else tokens[:, :, 0]


class FullLengthVectorizer:
    """The model's vectoriser without its cut at ``sequence_length``: every token of every post.

    A copy of the saved ``TextVectorization`` layer (same class, standardisation,
    split and vocabulary; made through Keras serialisation with ``safe_mode``)
    with ``output_sequence_length=None``, so ids are padded to the longest post
    of each call instead of cut.
    """

    def __init__(self, vectorizer: keras.layers.Layer) -> None:
        config = keras.saving.serialize_keras_object(vectorizer)
        inner = config["config"]
        inner["output_sequence_length"] = None
        inner.pop("vocabulary", None)
        inner.pop("vocabulary_size", None)
        copy = keras.saving.deserialize_keras_object(config, safe_mode=True)
        copy.set_vocabulary(vectorizer.get_vocabulary())

        @tf.autograph.experimental.do_not_convert
        def vectorize(texts: tf.Tensor) -> tf.Tensor:
            return copy(texts)

        self._call = tf.function(vectorize, input_signature=[tf.TensorSpec([None], tf.string)])

    def __call__(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Each post's tokens, trimmed to its own length (``(length,)`` or ``(length, channels)``)."""
        out: list[np.ndarray] = [np.zeros(0)] * len(texts)
        order = np.argsort([len(text) for text in texts], kind="stable")
        for start in range(0, len(order), _FULL_BATCH):
            idx = order[start : start + _FULL_BATCH]
            tokens = self._call(tf.constant([texts[i] for i in idx], dtype=tf.string)).numpy()
            lengths = np.count_nonzero(word_ids(tokens), axis=1)
            for row, i in enumerate(idx):
                out[i] = tokens[row, : lengths[row]]
        return out


def split_windows(
    texts: Sequence[str], tokens: np.ndarray, full: FullLengthVectorizer, *, cut: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows to score for ``texts``: one per short post, one per window of a long post.

    Parameters
    ----------
    texts
        The posts (as given to the vectoriser).
    tokens
        Their first-window tokens from the model's vectoriser, ``(n, width[, channels])``.
    cut
        When ``tokens`` were made from the first ``cut`` characters of each post: longer
        posts are read again in full too (their window may not have been full yet).
    full
        Vectoriser for the posts that fill the first window.

    Returns
    -------
    rows
        Token rows ``(m, width[, channels])``, the windows of each post contiguous and in post order.
    offsets
        ``(n,)`` index of each post's first row (for :func:`max_by_post`).
    counts
        ``(n,)`` tokens of each post (exact; a post with more than ``width`` is long).

    """
    width = tokens.shape[1]
    counts = np.count_nonzero(word_ids(tokens), axis=1)
    truncated = np.array([cut is not None and len(text) > cut for text in texts], dtype=bool)
    candidates = np.flatnonzero((counts >= width) | truncated)
    if not len(candidates):
        return tokens, np.arange(len(tokens)), counts
    long_tokens = dict(zip(candidates.tolist(), full([texts[i] for i in candidates]), strict=True))
    windows = np.ones(len(tokens), dtype=np.int64)
    for i, sequence in long_tokens.items():
        counts[i] = len(sequence)
        windows[i] = len(window_starts(len(sequence), width))
    offsets = np.concatenate([[0], np.cumsum(windows)[:-1]])
    rows = np.zeros((int(windows.sum()), *tokens.shape[1:]), dtype=tokens.dtype)
    read_once = np.ones(len(tokens), dtype=bool)
    read_once[candidates] = False
    rows[offsets[read_once]] = tokens[read_once]
    for i, sequence in long_tokens.items():
        for row, start in enumerate(window_starts(len(sequence), width)):
            piece = sequence[start : start + width]
            rows[offsets[i] + row, : len(piece)] = piece
    return rows, offsets, counts


def max_by_post(scores: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Per post (rows ``offsets[i]`` up to the next post's), the maximum score of its windows per label."""
    if len(offsets) == len(scores):
        return scores
    return np.maximum.reduceat(scores, offsets, axis=0)
