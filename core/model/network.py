"""Keras graph of the classifier: raw strings in, one sigmoid probability per label out.

``TextVectorization`` is part of the saved model, so a loaded model is simply
``list[str] -> ndarray``. Training and fast scoring use the integer-token part
(:func:`token_part`) so texts are vectorised once, not every epoch or batch.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Hide the C++ start-up banners TensorFlow writes to fd 2 on import (oneDNN, absl).

    They would break the CLI's promise of one line on stderr for an error.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no real stderr (e.g. some embedded runners)
        yield
        return
    try:
        sys.stderr.flush()
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


with _native_stderr_silenced():
    import keras
    import tensorflow as tf

import numpy as np  # noqa: E402

from core.model.config import ModelConfig  # noqa: E402
from core.model.robust import RobustVectorization, WordCharEmbedding, normalize_post, normalize_post_v2  # noqa: E402

VECTORIZE = "vectorize"
_PUNCTUATION = r'[!"#$%&()\*\+,\-\./:;<=>?@\[\\\]^_`{|}~]'


@keras.saving.register_keras_serializable(package="modlens")
def standardize_post(text: tf.Tensor) -> tf.Tensor:
    """Lower-case, unify links and user mentions, undo common leetspeak, strip punctuation.

    Part of the saved model (registered, so it loads with ``safe_mode=True``):
    scoring applies exactly what training did.
    """
    text = tf.strings.lower(text, encoding="utf-8")
    text = tf.strings.regex_replace(text, r"https?://\S+|www\.\S+", " xxurl ")
    text = tf.strings.regex_replace(text, r"@\w+|<user>", " xxuser ")
    text = tf.strings.regex_replace(text, r"&(amp|lt|gt|quot|#\d+);", " ")
    text = tf.strings.regex_replace(text, r"([a-z])[*@$]+([a-z])", r"\1\2")
    text = tf.strings.regex_replace(text, r"'", "")
    return tf.strings.regex_replace(text, _PUNCTUATION, " ")


def build_vectorizer(config: ModelConfig) -> keras.layers.TextVectorization:
    """Word-level vectoriser, post-padded with 0.

    With ``normalizer="robust"``: :class:`~core.model.robust.RobustVectorization` and
    :func:`~core.model.robust.normalize_post` (plus characters per word when
    ``word_chars``); ``"robust2"``: the same with
    :func:`~core.model.robust.normalize_post_v2` (also Unicode punctuation); else the
    v3 vectoriser with :func:`standardize_post`.
    """
    robust = {"robust": normalize_post, "robust2": normalize_post_v2}
    if config.normalizer in robust:
        return RobustVectorization(
            word_chars=config.word_chars,
            max_tokens=config.vocab_size,
            output_mode="int",
            output_sequence_length=config.sequence_length,
            standardize=robust[config.normalizer],
            name=VECTORIZE,
        )
    return keras.layers.TextVectorization(
        max_tokens=config.vocab_size,
        output_mode="int",
        output_sequence_length=config.sequence_length,
        standardize=standardize_post,
        name=VECTORIZE,
    )


@keras.saving.register_keras_serializable(package="modlens")
class MaskedMaxAvgPooling(keras.layers.Layer):
    """Concatenated max and mean over the unmasked time steps (padding never counts)."""

    def compute_mask(self, inputs: tf.Tensor, mask: tf.Tensor | None = None) -> None:
        """The pooled vector has no time axis, so no mask goes further."""
        return None

    def call(self, inputs: tf.Tensor, mask: tf.Tensor | None = None) -> tf.Tensor:
        """Pool ``(batch, time, features)`` to ``(batch, 2 * features)``; an all-masked post gives zeros."""
        if mask is None:
            mask = tf.ones(tf.shape(inputs)[:2], dtype=tf.bool)
        keep = tf.cast(mask, inputs.dtype)[:, :, None]
        count = tf.maximum(tf.reduce_sum(keep, axis=1), 1.0)
        mean = tf.reduce_sum(inputs * keep, axis=1) / count
        lowest = tf.where(keep > 0, inputs, tf.fill(tf.shape(inputs), tf.constant(-1e9, inputs.dtype)))
        has_any = tf.reduce_sum(keep, axis=1) > 0
        peak = tf.where(has_any, tf.reduce_max(lowest, axis=1), tf.zeros_like(mean))
        return tf.concat([peak, mean], axis=-1)


@keras.saving.register_keras_serializable(package="modlens")
class ScoreHead(keras.layers.Dense):
    """One sigmoid per label; a post with no words at all scores exactly 0.

    A post without tokens reaches this layer as an all-zero vector (every step
    masked), and a plain Dense layer would give it ``sigmoid(bias)``, often near
    the threshold. Gating fixes that, and it makes SHAP's base value (the score
    with every word removed) a clean 0.
    """

    def call(self, inputs: tf.Tensor) -> tf.Tensor:
        """Sigmoid scores, times 0 where the input vector is all zeros (no words)."""
        has_words = tf.cast(tf.reduce_any(tf.not_equal(inputs, 0), axis=-1, keepdims=True), self.compute_dtype)
        return super().call(inputs) * has_words


@keras.saving.register_keras_serializable(package="modlens")
class CalibratedScoreHead(keras.layers.Layer):
    """One sigmoid per label with a per-label temperature: ``sigmoid(logit / T)``; no words scores 0.

    Like :class:`ScoreHead`, plus ``T``: a non-trainable weight, 1 while training;
    :meth:`set_temperatures` stores the values fitted on validation data
    (temperature scaling), so the saved raw-string model, scoring and
    explanations all give calibrated scores.
    """

    def __init__(self, units: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.units = int(units)

    def build(self, input_shape: tuple) -> None:
        """Kernel, bias and one temperature per label (starting at 1)."""
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units), initializer="glorot_uniform")
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")
        self.temperature = self.add_weight(name="temperature", shape=(self.units,), initializer="ones", trainable=False)

    def call(self, inputs: tf.Tensor) -> tf.Tensor:
        """Tempered sigmoid scores, times 0 where the input vector is all zeros (no words)."""
        has_words = tf.cast(tf.reduce_any(tf.not_equal(inputs, 0), axis=-1, keepdims=True), self.compute_dtype)
        logits = tf.matmul(inputs, self.kernel) + self.bias
        return tf.sigmoid(logits / self.temperature) * has_words

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """``(batch, units)``."""
        return (*input_shape[:-1], self.units)

    def set_temperatures(self, values: np.ndarray) -> None:
        """Store fitted temperatures (one positive value per label)."""
        self.temperature.assign(np.asarray(values, dtype="float32"))

    def get_config(self) -> dict:
        """The number of labels."""
        return {**super().get_config(), "units": self.units}


def build_token_layers(config: ModelConfig, n_labels: int) -> list[keras.layers.Layer]:
    """Embedding(mask_zero) -> (Bi)LSTM [-> masked max+mean pooling] -> dropout -> one sigmoid per label.

    With ``word_chars`` the embedding is :class:`~core.model.robust.WordCharEmbedding`
    (word vector plus a character-CNN vector); with ``calibrated`` the head is
    :class:`CalibratedScoreHead`.
    """
    keras.utils.set_random_seed(config.seed)
    pooled = config.pooling == "maxavg"
    recurrent = keras.layers.LSTM(config.lstm_units, return_sequences=pooled, name="lstm")
    if config.bidirectional:
        recurrent = keras.layers.Bidirectional(recurrent, name="bilstm")
    embedding = (
        WordCharEmbedding(config.vocab_size, config.embedding_dim, char_filters=config.char_filters, name="embedding")
        if config.word_chars
        else keras.layers.Embedding(config.vocab_size, config.embedding_dim, mask_zero=True, name="embedding")
    )
    layers: list[keras.layers.Layer] = [embedding]
    if config.embedding_dropout:
        layers.append(keras.layers.SpatialDropout1D(config.embedding_dropout, name="embedding_dropout"))
    layers.append(recurrent)
    if pooled:
        layers.append(MaskedMaxAvgPooling(name="pooling"))
    if config.dropout:
        layers.append(keras.layers.Dropout(config.dropout, name="dropout"))
    if config.calibrated:
        layers.append(CalibratedScoreHead(n_labels, name="scores"))
    else:
        layers.append(ScoreHead(n_labels, activation="sigmoid", name="scores"))
    return layers


def assemble(vectorizer: keras.layers.Layer, token_layers: list[keras.layers.Layer]) -> keras.Model:
    """The saved model: a string tensor of shape (batch,) to probabilities (batch, labels)."""
    text = keras.Input(shape=(), dtype="string", name="text")
    x = vectorizer(text)
    for layer in token_layers:
        x = layer(x)
    return keras.Model(text, x, name="modlens_classifier")


def reread(model: keras.Model, config: ModelConfig) -> keras.Model:
    """The same trained model reading posts through ``config``'s normaliser: its vocabulary and layers, shared.

    Used to move a trained ``robust`` model to ``robust2`` (which differs only on Unicode
    punctuation, read as the ASCII marks ``robust`` strips) without retraining.
    """
    old = vectorizer_of(model)
    vectorizer = build_vectorizer(config)
    vectorizer.set_vocabulary(old.get_vocabulary())
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    return assemble(vectorizer, layers[1:])


def token_part(model: keras.Model) -> keras.Model:
    """The part of a string model after vectorisation: int tokens to probabilities.

    Tokens are ``(batch, time)`` word ids, or ``(batch, time, 1 + chars)`` with a
    character channel (see :func:`word_lengths`).
    """
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    tokens = keras.Input(shape=token_shape(model), dtype="int64", name="tokens")
    x = tokens
    for layer in layers[1:]:
        x = layer(x)
    return keras.Model(tokens, x, name="token_part")


def vectorizer_of(model: keras.Model) -> keras.layers.TextVectorization:
    """The model's ``TextVectorization`` layer."""
    return model.get_layer(VECTORIZE)


def token_shape(model: keras.Model) -> tuple[int | None, ...]:
    """Shape of one post's tokens without the batch axis: ``(None,)`` or ``(None, 1 + chars)``."""
    chars = getattr(vectorizer_of(model), "word_chars", 0)
    return (None, 1 + chars) if chars else (None,)


def word_lengths(tokens: np.ndarray) -> np.ndarray:
    """Words per post of a token array (2-D ids, or 3-D with the word id first on the last axis)."""
    ids = tokens if tokens.ndim == 2 else tokens[:, :, 0]
    return np.count_nonzero(ids, axis=1)


def score_head(model: keras.Model) -> keras.layers.Layer:
    """The model's output layer (``ScoreHead`` or ``CalibratedScoreHead``)."""
    return model.get_layer("scores")


def masked_binary_crossentropy(positive_weight: np.ndarray) -> callable:
    """Binary cross-entropy over the labels a dataset has; NaN targets are ignored.

    ``positive_weight`` (one per label) up-weights positives of rare labels; an optional
    per-post ``sample_weight`` (e.g. from debiasing) scales each post's terms.
    """
    weight = tf.constant(positive_weight, dtype=tf.float32)

    def loss(y_true: tf.Tensor, y_pred: tf.Tensor, sample_weight: tf.Tensor | None = None) -> tf.Tensor:
        y_true = tf.cast(y_true, tf.float32)
        known = tf.math.logical_not(tf.math.is_nan(y_true))
        target = tf.where(known, y_true, tf.zeros_like(y_true))
        p = tf.clip_by_value(y_pred, 1e-7, 1 - 1e-7)
        per_item = -(weight * target * tf.math.log(p) + (1 - target) * tf.math.log(1 - p))
        per_item = tf.where(known, per_item, tf.zeros_like(per_item))
        counted = tf.cast(known, tf.float32)
        if sample_weight is not None:
            per_item = per_item * sample_weight[:, None]
            counted = counted * sample_weight[:, None]
        return tf.reduce_sum(per_item) / tf.maximum(tf.reduce_sum(counted), 1.0)

    return loss
