"""The SHAP path works on a real Keras 3 string-input LSTM (TextVectorization inside)."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.mark.slow
def test_partition_shap_on_a_tiny_keras_string_lstm() -> None:
    keras = pytest.importorskip("keras")
    import tensorflow as tf

    from core.explain.shap_values import explain_texts

    keras.utils.set_random_seed(3)
    vectorizer = keras.layers.TextVectorization(max_tokens=50, output_sequence_length=12)
    vectorizer.adapt(tf.constant(["you are an idiot", "have a lovely day", "stupid stupid people"]))
    model = keras.Sequential(
        [
            keras.Input(shape=(1,), dtype="string"),
            vectorizer,
            keras.layers.Embedding(50, 8, mask_zero=True),
            keras.layers.LSTM(4),
            keras.layers.Dense(2, activation="sigmoid"),
        ]
    )

    def predict_fn(texts: list[str]) -> np.ndarray:
        return np.asarray(model(tf.constant([[t] for t in texts])))

    texts = ["You are an idiot!", "have a lovely day, stupid people", "", "idiot"]
    result = explain_texts(texts, predict_fn, ["toxic", "hate"], post_ids=["a", "b", "c", "d"])
    sums = result.tokens.groupby(["post_id", "label"])["value"].sum()
    for row in result.posts.itertuples():
        assert sums.get((row.post_id, row.label), 0.0) == pytest.approx(row.score - row.base_value, abs=1e-5)
    scores = result.posts.set_index(["post_id", "label"])["score"].unstack()
    np.testing.assert_allclose(scores.loc[["a", "b", "c", "d"], ["toxic", "hate"]], predict_fn(texts), atol=1e-6)
    assert result.for_post("b", "hate")["token"].tolist() == ["have", "a", "lovely", "day", "stupid", "people"]
    assert result.tokens["value"].abs().max() > 0  # the untrained LSTM still reacts to words
