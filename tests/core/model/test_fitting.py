from __future__ import annotations

import numpy as np
import pytest

from core.model.classifier import ToxicityClassifier
from core.model.config import preset
from core.model.fitting import WeightAverage, validation_auc
from core.model.network import keras, tf
from tests.conftest import tiny_corpus

pytestmark = pytest.mark.slow


def test_plateau_decay_goes_back_to_the_best_weights_with_a_lower_rate(monkeypatch) -> None:
    texts, labels = tiny_corpus(200)
    config = preset("default").with_overrides(
        epochs=3, vocab_size=100, embedding_dim=4, lstm_units=4, batch_size=8, patience=3, plateau_decay=0.25
    )
    aucs = iter([0.9, 0.8, 0.7])  # only the first epoch is best: two plateaus
    monkeypatch.setattr("core.model.fitting.mean_auc", lambda y, scores: next(aucs))
    rates = []
    original = keras.optimizers.Adam

    def spy(**kwargs):
        optimizer = original(**kwargs)
        rates.append(optimizer)
        return optimizer

    monkeypatch.setattr("core.model.fitting.keras.optimizers.Adam", spy)
    clf = ToxicityClassifier(config=config).fit(texts, labels)
    assert [row["val_auc"] for row in clf.history_] == [0.9, 0.8, 0.7]
    assert float(rates[0].learning_rate) == pytest.approx(config.learning_rate * 0.25**2)


def test_weight_average_is_a_bias_corrected_moving_average_that_swaps_in_and_out() -> None:
    weight = tf.Variable([0.0, 4.0])
    average = WeightAverage([weight], momentum=0.5)
    assert average.swap_in() is None  # nothing averaged yet
    weight.assign([2.0, 0.0])
    average.update()
    raw = average.swap_in()
    np.testing.assert_allclose(weight.numpy(), [2.0, 0.0])  # one step: the weights themselves, not init
    average.swap_out(raw)
    weight.assign([4.0, 2.0])
    average.update()  # (0.5 * 0.5 * [2, 0] + 0.5 * [4, 2]) / (1 - 0.25)
    raw = average.swap_in()
    np.testing.assert_allclose(weight.numpy(), [10 / 3, 4 / 3])
    average.swap_out(raw)
    np.testing.assert_allclose(weight.numpy(), [4.0, 2.0])
    average.reset()
    assert average.swap_in() is None
    off = WeightAverage([weight], momentum=0.0)
    off.update()
    assert off.swap_in() is None


def test_training_with_weight_averaging_keeps_the_averaged_weights() -> None:
    texts, labels = tiny_corpus(240)
    config = preset("default").with_overrides(
        epochs=2, vocab_size=100, embedding_dim=4, lstm_units=4, batch_size=8, learning_rate=0.02, weight_average=0.9
    )
    clf = ToxicityClassifier(config=config).fit(texts, labels)
    assert len(clf.history_) == 2
    assert clf.predict_proba(["idiot"]).shape == (1, 2)
    best = max(row["val_auc"] for row in clf.history_)
    assert clf.validation_metrics_ and best > 0.5


def test_validation_auc_averages_over_groups_so_offsets_between_groups_do_not_count() -> None:
    y = np.array([[0.0], [1.0], [0.0], [1.0]])
    # Each group is ranked perfectly, but group b scores higher overall: pooled AUC suffers, grouped does not.
    scores = np.array([[0.1], [0.2], [0.8], [0.9]])
    groups = np.array(["a", "a", "b", "b"], dtype=object)
    assert validation_auc(y, scores) == pytest.approx(0.75)
    assert validation_auc(y, scores, groups) == pytest.approx(1.0)
    one_class = np.array(["a", "a", "c", "c"], dtype=object)
    y_one = np.array([[0.0], [1.0], [1.0], [1.0]])
    assert validation_auc(y_one, scores, one_class) == pytest.approx(1.0)  # group c has one class: skipped


def test_a_label_without_any_known_value_is_masked_not_a_crash() -> None:
    texts, labels = tiny_corpus(120)
    labels[:, 1] = np.nan  # a file with only a toxic column
    config = preset("default").with_overrides(
        epochs=1, vocab_size=100, embedding_dim=4, lstm_units=4, sequence_length=12, batch_size=16
    )
    clf = ToxicityClassifier(config=config).fit(texts, labels)
    assert clf.predict_proba(["you are an idiot"]).shape == (1, 2)
    assert np.isnan(clf.validation_metrics_["hate"]["roc_auc"])
    assert not np.isnan(clf.validation_metrics_["toxic"]["roc_auc"])
