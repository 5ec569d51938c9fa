"""The fused LSTM runtime scores exactly like the Keras token model it is built from."""

from __future__ import annotations

import numpy as np
import pytest

from core.model.network import MaskedMaxAvgPooling, ScoreHead, keras
from core.model.runtime import XLA_BATCH, FusedRecurrent

VOCAB = 50


def _token_model(*, bidirectional: bool = True, pooled: bool = True, prefix_dense: bool = False, gru: bool = False):
    keras.utils.set_random_seed(3)
    tokens = keras.Input(shape=(None,), dtype="int64")
    x = keras.layers.Embedding(VOCAB, 8, mask_zero=True)(tokens)
    x = keras.layers.SpatialDropout1D(0.2)(x)
    if prefix_dense:
        x = keras.layers.Dense(8, activation="tanh")(x)
    recurrent = (keras.layers.GRU if gru else keras.layers.LSTM)(6, return_sequences=pooled)
    x = (keras.layers.Bidirectional(recurrent) if bidirectional else recurrent)(x)
    if pooled:
        x = MaskedMaxAvgPooling()(x)
    x = keras.layers.Dropout(0.3)(x)
    return keras.Model(tokens, ScoreHead(2, activation="sigmoid")(x))


def _tokens(n: int, width: int = 12, seed: int = 0) -> np.ndarray:
    """Post-padded random ids, lengths 0..width (some rows empty)."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, width + 1, n)
    ids = rng.integers(1, VOCAB, (n, width))
    return np.where(np.arange(width)[None, :] < lengths[:, None], ids, 0).astype(np.int64)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"bidirectional": False},
        {"pooled": False},
        {"bidirectional": False, "pooled": False},
        {"prefix_dense": True},
    ],
)
def test_fused_scores_match_keras(options: dict) -> None:
    model = _token_model(**options)
    tokens = _tokens(64)
    fused = FusedRecurrent.build(model, probe=tokens[:8])
    assert fused is not None
    expected = model(tokens, training=False).numpy()
    np.testing.assert_allclose(fused(tokens), expected, atol=1e-6)
    assert (fused(tokens[:1] * 0) == 0).all()  # a post with no words scores 0, as in Keras


def test_full_batches_go_through_xla_with_the_same_scores() -> None:
    model = _token_model()
    tokens = _tokens(XLA_BATCH + 37, seed=1)
    tokens = tokens[np.argsort(np.count_nonzero(tokens, axis=1), kind="stable")]
    fused = FusedRecurrent.build(model)
    np.testing.assert_allclose(fused(tokens), model(tokens, training=False).numpy(), atol=1e-6)


def test_unsupported_graphs_fall_back() -> None:
    assert FusedRecurrent.build(_token_model(gru=True)) is None
    tokens = keras.Input(shape=(None,), dtype="int64")
    plain = keras.Model(tokens, ScoreHead(1)(keras.layers.Embedding(VOCAB, 4)(tokens)[:, 0]))
    assert FusedRecurrent.build(plain) is None
