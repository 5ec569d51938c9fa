from __future__ import annotations

import numpy as np
import pytest

from core.errors import ModLensError
from core.model.classifier import ToxicityClassifier
from core.model.config import preset
from core.model.fitting import GroupOffsets, WeightAverage, validation_auc
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


def test_group_offsets_are_centred_on_the_weighted_mean_and_zero_where_a_group_lacks_a_class() -> None:
    y = np.array([[1, np.nan], [0, np.nan], [1, 1], [0, 1], [1, 0], [0, 0]], dtype=float)
    groups = np.array([0, 0, 1, 1, 2, 2])
    weights = np.array([1, 1, 1, 1, 2, 2], dtype=float)
    offsets = GroupOffsets(y, weights, groups)
    offsets.variable.assign(np.array([[1.0, 5.0], [2.0, 5.0], [4.0, 3.0]], dtype="float32"))
    values = offsets.values()
    # toxic: every group has both classes; shares by weight 2 : 2 : 4, so the mean is 2.75
    np.testing.assert_allclose(values[:, 0], [-1.75, -0.75, 1.25], atol=1e-6)
    assert float(np.sum(values[:, 0] * np.array([2, 2, 4]))) == pytest.approx(0.0, abs=1e-5)
    # hate: group 0 has no hate labels and group 1 only positives, so only group 2 is free: centred to 0
    np.testing.assert_allclose(values[:, 1], [0.0, 0.0, 0.0], atol=1e-6)
    shifted = offsets.shift(tf.constant([[0.5, 0.5]] * 3), tf.constant([0, 1, 2]))
    expected = 1 / (1 + np.exp(-values))
    np.testing.assert_allclose(shifted.numpy(), expected, atol=1e-6)


def _confounded_corpus() -> tuple[list[str], np.ndarray, list[str]]:
    """Two sets with base rates 0.8 and 0.2; "forum" is in 80% of set a's posts and 20% of set b's.

    Within each set "forum" says nothing about the label; pooled, it says "set a".
    """
    rng = np.random.default_rng(0)
    texts, labels, groups = [], [], []
    for group, forum_share, rate in (("a", 0.8, 0.8), ("b", 0.2, 0.2)):
        for _ in range(300):
            marker = "forum " if rng.random() < forum_share else ""
            texts.append(f"{marker}hello there")
            labels.append([float(rng.random() < rate), np.nan])
            groups.append(group)
        for word, label in (("idiot", 1.0), ("thanks", 0.0)):
            for _ in range(30):
                texts.append(f"{word} there")
                labels.append([label, np.nan])
                groups.append(group)
    return texts, np.array(labels), groups


def test_dataset_offsets_keep_a_set_marking_word_from_learning_the_sets_base_rate() -> None:
    texts, labels, groups = _confounded_corpus()
    config = preset("default").with_overrides(
        epochs=12, vocab_size=50, embedding_dim=8, lstm_units=8, batch_size=16, learning_rate=0.01, calibrated=False
    )
    # no label known in validation: no AUC, so every epoch is kept and the last one scored
    validation = (["hello there"], np.array([[np.nan, np.nan]]))

    def marker_gap(sample_groups: list[str] | None) -> float:
        clf = ToxicityClassifier(config=config).fit(texts, labels, validation=validation, sample_groups=sample_groups)
        with_marker, without = clf.predict_proba(["forum hello there", "hello there"])[:, 0]
        return float(with_marker - without)

    pooled, offset = marker_gap(None), marker_gap(groups)
    assert pooled > 0.2  # pooled, "forum" carries set a's base rate
    assert abs(offset) < pooled / 3
    assert (
        "group_offsets"
        in ToxicityClassifier(config=config.with_overrides(epochs=1))
        .fit(texts, labels, validation=validation, sample_groups=groups)
        .history_[0]
    )


def test_sample_groups_need_one_group_per_text() -> None:
    texts, labels = tiny_corpus(40)
    with pytest.raises(ModLensError, match="one group per text"):
        ToxicityClassifier(config=preset("seed")).fit(texts, labels, sample_groups=["a"])
