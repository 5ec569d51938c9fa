"""The in-graph normaliser, the per-word character channel and the calibrated head."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.errors import ModLensError
from core.model.classifier import ToxicityClassifier
from core.model.config import preset
from core.model.network import keras, tf
from core.model.robust import RobustVectorization, WordCharEmbedding, normalize_post
from tests.conftest import tiny_corpus

pytestmark = pytest.mark.slow


def _words(texts: list[str]) -> list[str]:
    layer = RobustVectorization(standardize=normalize_post, output_mode="int", output_sequence_length=8)
    layer.adapt(tf.constant(["placeholder"]))
    return [" ".join(w.decode() for w in row) for row in layer._preprocess(tf.constant(texts)).to_list()]


def test_normaliser_undoes_spelling_tricks_but_keeps_numbers() -> None:
    assert _words(["you 1d10t", "l0s3r", "sh1t m0r0n"]) == ["you idiot", "loser", "shit moron"]
    assert _words(["f u c k off", "F.U.C.K. you"]) == ["fuck off", "fuck you"]
    assert _words(["stoooopid", "a$$hat", "b@stard"]) == ["stoopid", "asshat", "bastard"]
    assert _words(["covid19 in 2020 mp3 b4", "u r a pal"]) == ["covid19 in 2020 mp3 b4", "u r a pal"]
    assert _words(["@someone hi https://x.y/z"]) == ["xxuser hi xxurl"]


def test_rules_applied_only_where_they_can_match_give_what_applying_them_everywhere_gives() -> None:
    from core.model import robust

    posts = ["a$$ b@stard @user <user> &amp; f*ck $hit", "plain words", "1d10t l0s3r covid19 b4 2020", "x@y $5 a*b"]
    text = tf.strings.lower(tf.constant(posts))
    everywhere = robust._undo_symbols(text).numpy()
    assert (robust._only_where(text, robust._ANY_SYMBOL, robust._undo_symbols).numpy() == everywhere).all()
    spaced = tf.constant(["plain", "odd\xa0space\u200b", "tab\there", "caf\u00e9"])
    gated = robust._only_where(spaced, robust._NOT_PLAIN_ASCII, robust._plain_spaces)
    assert (gated.numpy() == robust._plain_spaces(spaced).numpy()).all()
    words = tf.strings.split(text).flat_values
    unleet_all = robust._digits_to_letters(words)
    expected = tf.where(tf.strings.regex_full_match(words, robust._LEET_WORD), unleet_all, words).numpy()
    assert (robust._unleet_words(words).numpy() == expected).all()


def test_unicode_spaces_split_words_and_invisible_characters_vanish() -> None:
    # pasted web text: no-break and ideographic spaces, line separators; zero-width characters hide inside words
    assert _words(["you\xa0idiot\u3000now\u2028then\x85ok"]) == ["you idiot now then ok"]
    assert _words(["id\u200biot", "mo\u00adron", "lo\u200dser\ufeff"]) == ["idiot", "moron", "loser"]


def test_character_ids_follow_the_word_ids() -> None:
    layer = RobustVectorization(
        word_chars=4, standardize=normalize_post, output_mode="int", output_sequence_length=3, max_tokens=10
    )
    layer.adapt(tf.constant(["hello world", "hello there"]))
    out = layer(tf.constant(["Hello zz", ""])).numpy()
    assert out.shape == (2, 3, 5)
    assert out[0, 0, 0] > 1 and out[0, 1, 0] == 1  # known word, then out-of-vocabulary
    assert out[0, 0, 1:].tolist() == [ord(c) + 1 for c in "hell"]  # first 4 characters, lower-cased
    assert out[0, 1, 1:].tolist() == [ord("z") + 1] * 2 + [0, 0]
    assert not out[1].any() and not out[0, 2].any()  # padding: all zeros


def test_word_char_embedding_masks_padding_words() -> None:
    layer = WordCharEmbedding(vocab_size=10, embedding_dim=6, char_filters=4)
    tokens = np.array([[[3, 98, 99, 0], [0, 0, 0, 0]]], dtype="int64")
    out = layer(tokens)
    assert tuple(out.shape) == (1, 2, 6)
    assert layer.compute_mask(tokens).numpy().tolist() == [[True, False]]


@pytest.fixture(scope="module")
def robust_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts, labels = tiny_corpus(320)
    config = preset("default").with_overrides(
        epochs=2,
        vocab_size=200,
        embedding_dim=8,
        lstm_units=4,
        batch_size=32,
        sequence_length=16,
        normalizer="robust",
        word_chars=8,
        char_filters=6,
        calibrated=True,
    )
    clf = ToxicityClassifier(config=config).fit(texts, labels)
    return clf.save(tmp_path_factory.mktemp("robust") / "model")


def test_robust_model_round_trips_with_safe_mode_and_takes_raw_strings(robust_model: Path) -> None:
    clf = ToxicityClassifier.load(robust_model)
    assert clf.config.word_chars == 8 and clf.config.normalizer == "robust"
    probe = ["you 1d10t", "a friendly post about the game", "", "!!!"]
    scores = clf.predict_proba(probe)
    raw = keras.saving.load_model(robust_model / "model.keras", compile=False, safe_mode=True)
    np.testing.assert_allclose(raw(tf.constant(probe)).numpy(), scores, atol=1e-5)
    assert (scores[2:] == 0).all(), "posts without words score exactly 0"
    alone = np.vstack([clf.predict_proba([t]) for t in probe])
    np.testing.assert_allclose(alone, scores, atol=1e-5)
    many = clf.predict_proba(probe * 100)  # above the small-batch size: vectorised and length-bucketed
    np.testing.assert_allclose(many[:4], scores, atol=1e-5)


def test_a_robust_calibrated_model_scores_through_the_fused_runtime(robust_model: Path) -> None:
    clf = ToxicityClassifier.load(robust_model)
    assert clf._compiled().fused() is not None, "robust normaliser + calibrated head must not fall back to Keras"
    probe = ["you 1d10t", "a friendly post about the game", "s t u p i d people", "nice"] * 300
    raw = keras.saving.load_model(robust_model / "model.keras", compile=False, safe_mode=True)
    np.testing.assert_allclose(clf.predict_proba(probe), raw(tf.constant(probe)).numpy(), atol=1e-5, rtol=0)


def test_calibration_is_stored_in_the_graph_and_the_metadata(robust_model: Path) -> None:
    clf = ToxicityClassifier.load(robust_model)
    temperatures = clf.model_.get_layer("scores").temperature.numpy()
    assert temperatures.shape == (2,) and (temperatures > 0).all()
    assert clf.calibration_["method"] == "temperature"
    assert clf.calibration_["temperature"]["toxic"] == pytest.approx(float(temperatures[0]), rel=1e-5)
    assert clf.calibration_["log_loss_after"]["toxic"] <= clf.calibration_["log_loss_before"]["toxic"] + 1e-9


def test_explanations_highlight_words_as_written(robust_model: Path) -> None:
    from core.explain.shap_values import explain_texts

    clf = ToxicityClassifier.load(robust_model)
    text = "you are a 1d10t, honestly"
    result = explain_texts([text], clf.predict_proba, clf.labels_, label="toxic")
    tokens = result.tokens["token"].tolist()
    assert "1d10t" in tokens and all(t in text for t in tokens)
    assert result.posts["base_value"].abs().max() < 1e-6  # every word removed: the empty post scores 0


def test_config_rejects_a_char_channel_without_the_robust_normaliser() -> None:
    with pytest.raises(ModLensError, match="word_chars"):
        preset("default").with_overrides(word_chars=8, normalizer="basic")
    with pytest.raises(ModLensError, match="normalizer"):
        preset("default").with_overrides(normalizer="fancy")
