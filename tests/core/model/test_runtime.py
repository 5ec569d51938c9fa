"""The fused LSTM runtime scores exactly like the Keras token model it is built from."""

from __future__ import annotations

import numpy as np
import pytest

from core.model.network import CalibratedScoreHead, MaskedMaxAvgPooling, ScoreHead, keras
from core.model.robust import WordCharEmbedding
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


def _calibrated_model(*, chars: int = 0):
    """The v4 graph: (word-char) embedding -> BiLSTM -> pooling -> dropout -> tempered sigmoid head."""
    keras.utils.set_random_seed(5)
    tokens = keras.Input(shape=(None, 1 + chars) if chars else (None,), dtype="int64")
    embedding = (
        WordCharEmbedding(VOCAB, 8, char_filters=4) if chars else keras.layers.Embedding(VOCAB, 8, mask_zero=True)
    )
    x = keras.layers.SpatialDropout1D(0.2)(embedding(tokens))
    x = MaskedMaxAvgPooling()(keras.layers.Bidirectional(keras.layers.LSTM(6, return_sequences=True))(x))
    head = CalibratedScoreHead(2)
    model = keras.Model(tokens, head(keras.layers.Dropout(0.3)(x)))
    head.set_temperatures(np.array([0.4, 2.5]))  # far from 1, so a runtime that skipped them would differ
    return model


@pytest.mark.parametrize("chars", [0, 3])
def test_the_calibrated_head_and_char_channel_run_fused_with_the_same_scores(chars: int) -> None:
    model = _calibrated_model(chars=chars)
    ids = _tokens(XLA_BATCH + 21, seed=2)
    ids = ids[np.argsort(np.count_nonzero(ids, axis=1), kind="stable")]
    if chars:
        letters = np.random.default_rng(4).integers(1, 120, (*ids.shape, chars))
        tokens = np.concatenate([ids[:, :, None], np.where(ids[:, :, None] > 0, letters, 0)], axis=-1)
    else:
        tokens = ids
    fused = FusedRecurrent.build(model, probe=tokens[:16])
    assert fused is not None, "the v4 graph must not fall back to the Keras path"
    expected = model(tokens, training=False).numpy()
    np.testing.assert_allclose(fused(tokens), expected, atol=1e-5, rtol=0)
    model.layers[-1].set_temperatures(np.ones(2))
    uncalibrated = model(tokens, training=False).numpy()
    assert np.abs(uncalibrated - expected).max() > 1e-3  # the temperatures matter, and the fused path applied them


@pytest.mark.parametrize("threads", [1, 2])
def test_small_calls_are_padded_for_xla_and_split_across_threads_with_the_same_scores(threads: int) -> None:
    from core.model import runtime

    model = _token_model()
    fused = FusedRecurrent.build(model)

    def no_graph(*_args: object) -> None:
        raise AssertionError("calls below a full batch should run through XLA, padded")

    fused._graph = no_graph
    parts: list[int] = []
    run_rest = fused._run_rest
    fused._run_rest = lambda rows: parts.append(len(rows)) or run_rest(rows)
    runtime.set_scoring_threads(threads)
    try:
        for n in (1, 17, 60, 100, 300, XLA_BATCH + 100):
            parts.clear()
            tokens = _tokens(n, seed=n)
            tokens = tokens[np.argsort(np.count_nonzero(tokens, axis=1), kind="stable")]
            scores = fused(tokens)
            assert scores.shape == (n, 2)
            np.testing.assert_allclose(scores, model(tokens, training=False).numpy(), atol=1e-6)
            if n == 100:
                assert sorted(parts) == ([50, 50] if threads == 2 else [100])
        assert fused(_tokens(0)).shape == (0, 2)
    finally:
        runtime.set_scoring_threads(None)


def test_a_forked_child_starts_its_own_pool_for_small_calls() -> None:
    from core.model import runtime

    parent_pool = runtime._small_pool()
    assert runtime._small_pool() is parent_pool  # kept between calls
    runtime._forget_pool()  # what os.register_at_fork runs in a forked child
    child_pool = runtime._small_pool()
    assert child_pool is not parent_pool
    assert child_pool.submit(lambda: 41 + 1).result(timeout=10) == 42
