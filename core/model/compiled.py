"""The compiled scoring graphs of a loaded model: string vectoriser, token scorer and the fused runtime.

Kept apart from :mod:`core.model.classifier` (the scikit-learn style estimator): this
is the per-model cache of traced ``tf.function`` graphs that scoring goes through.
"""

from __future__ import annotations

import numpy as np

from core.model import network, windows
from core.model.network import keras, tf
from core.model.runtime import FusedRecurrent


class CompiledScoring:
    """Traced functions over one Keras string model: vectorise, and score tokens fast.

    Calling Keras layers eagerly costs milliseconds per call; traced graphs cut a
    small batch (an explanation's masked texts) from about 8 ms to 3 ms. The fused
    runtime (:mod:`core.model.runtime`) and the full-length vectoriser for windows
    are built on first use, from the same saved model.
    """

    def __init__(self, model: keras.Model) -> None:
        self._model = model
        vectorizer = network.vectorizer_of(model)
        self._part = network.token_part(model)
        part = self._part

        @tf.autograph.experimental.do_not_convert
        def vectorize(texts: tf.Tensor) -> tf.Tensor:
            return vectorizer(texts)

        @tf.autograph.experimental.do_not_convert
        def score_tokens(tokens: tf.Tensor) -> tf.Tensor:
            return part(tokens, training=False)

        self._vectorize = tf.function(vectorize, input_signature=[tf.TensorSpec([None], tf.string)])
        self._score_tokens = tf.function(score_tokens, reduce_retracing=True)
        self._full: windows.FullLengthVectorizer | None = None
        self._fused: FusedRecurrent | bool | None = False  # False: not built yet

    def vectorize(self, texts: list[str]) -> np.ndarray:
        """Int tokens of each post's first window, ``(n, sequence_length[, channels])``."""
        return self._vectorize(tf.constant(texts, dtype=tf.string)).numpy()

    def score_tokens(self, tokens: np.ndarray) -> np.ndarray:
        """Scores of a batch of int tokens through the Keras graph."""
        return self._score_tokens(tf.constant(tokens, dtype=tf.int64)).numpy()

    def full_length(self) -> windows.FullLengthVectorizer:
        """The vectoriser that keeps every token (for long posts)."""
        if self._full is None:
            self._full = windows.FullLengthVectorizer(network.vectorizer_of(self._model))
        return self._full

    def fused(self) -> FusedRecurrent | None:
        """The fused runtime, checked against Keras on probe posts; None where the graph is not supported."""
        if self._fused is False:
            self._fused = FusedRecurrent.build(self._part, probe=self.vectorize(probe_texts(self._model)))
        return self._fused


def probe_texts(model: keras.Model) -> list[str]:
    """Posts of known words, of lengths from empty to past one window, to check a runtime against Keras."""
    vocabulary = [word for word in network.vectorizer_of(model).get_vocabulary()[2:] if word.strip()] or ["x"]
    rng = np.random.default_rng(0)
    lengths = [0, 1, 2, 3, 5, 8, 13, 21, 40, 60]
    return [" ".join(rng.choice(vocabulary, size=n).tolist()) for n in lengths]
