"""The ``robust2`` normaliser (typographic and Unicode punctuation read as ASCII); the older normalisers unchanged."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from core.cli import build_parser
from core.errors import ConfigError
from core.model import robust
from core.model.classifier import ToxicityClassifier
from core.model.config import ModelConfig, preset
from core.model.network import build_vectorizer, keras, standardize_post, tf
from core.model.robust import RobustVectorization, normalize_post, normalize_post_v2
from core.training.pipeline import TrainingRequest
from tests.conftest import tiny_corpus

pytestmark = pytest.mark.slow

TRICKY = [
    "You 1D10T!!! https://x.y/z… @someone &amp; <user>",
    "a$$hat b@stard f*ck $hit sh!t $5 x@y a*b",
    "stoooopid f u c k off F.U.C.K. you",
    "thanks, “idiot”. ‘moron’ «stupid» „loser“ ‹jerk›",
    "idiot… idiot—seriously idiot–seriously ‒ ― ¿moron? ¡idiota!",
    "don’t don't don‘t donʼt don＇t don`t don´t don‛t",
    "•bullet · middle ＂fullwidth＂ ！ ？ ＠user ＄hit a＄＄ ｆｕｌｌ",
    "emoji 😂🤬 idiot😂 👍🏽 ❤️ ‼ ⁉ ★ ✓ → ■ ● − ∙",
    "привет, идиот! 你好，傻瓜。 مرحبا، غبي؟ שלום ׳ ״ नमस्ते।",
    "covid19 in 2020 mp3 b4 l0s3r 3.14 1,000 #tag",
    "odd\xa0space\u200bhidden mo\u00adron tab\there\nline\u2028sep",
    "İstanbul STRASSE straße ΣΊΣΥΦΟΣ café",
    "「quote」【bracket】 ※note ¶ § † ‡ ° ± × ÷ ¦ ¨ ¯",
    "",
    "!!!",
    "s t u p i d people",
]
"""Posts touching every rule of the normalisers, ASCII and not."""

NORMALIZE_POST = [
    "you 1d10t     xxurl   xxuser     xxuser ",
    "asshat bastard fck shit sh t  5 xay ab",
    "stoopid fuck off fuck  you",
    "thanks  “idiot”  ‘moron’ «stupid» „loser“ ‹jerk›",
    "idiot… idiot—seriously idiot–seriously ‒ ― ¿moron  ¡idiota ",
    "don’t dont don‘t donʼt don＇t don t don´t don‛t",
    "•bullet · middle ＂fullwidth＂ ！ ？ ＠user ＄hit a＄＄ ｆｕｌｌ",
    "emoji 😂🤬 idiot😂 👍🏽 ❤️ ‼ ⁉ ★ ✓ → ■ ● − ∙",
    "привет  идиот  你好，傻瓜。 مرحبا، غبي؟ שלום ׳ ״ नमस्ते।",
    "covid19 in 2020 mp3 b4 l0s3r 3 14 1 000  tag",
    "odd spacehidden moron tab\there\nline sep",
    "i̇stanbul strasse straße σίσυφος café",
    "「quote」【bracket】 ※note ¶ § † ‡ ° ± × ÷ ¦ ¨ ¯",
    "",
    "   ",
    "stupid people",
]
"""What :func:`normalize_post` gave for ``TRICKY`` before ``robust2`` existed: saved models rely on it."""

STANDARDIZE_POST = [
    "you 1d10t     xxurl   xxuser     xxuser ",
    "ahat b xxuser  fck  hit sh t  5 x xxuser  ab",
    "stoooopid f u c k off f u c k  you",
    "thanks  “idiot”  ‘moron’ «stupid» „loser“ ‹jerk›",
    "idiot… idiot—seriously idiot–seriously ‒ ― ¿moron  ¡idiota ",
    "don’t dont don‘t donʼt don＇t don t don´t don‛t",
    "•bullet · middle ＂fullwidth＂ ！ ？ ＠user ＄hit a＄＄ ｆｕｌｌ",
    "emoji 😂🤬 idiot😂 👍🏽 ❤️ ‼ ⁉ ★ ✓ → ■ ● − ∙",
    "привет  идиот  你好，傻瓜。 مرحبا، غبي؟ שלום ׳ ״ नमस्ते।",
    "covid19 in 2020 mp3 b4 l0s3r 3 14 1 000  tag",
    "odd\xa0space\u200bhidden mo\xadron tab\there\nline\u2028sep",
    "i̇stanbul strasse straße σίσυφος café",
    "「quote」【bracket】 ※note ¶ § † ‡ ° ± × ÷ ¦ ¨ ¯",
    "",
    "   ",
    "s t u p i d people",
]
"""What the v3 :func:`~core.model.network.standardize_post` gave for ``TRICKY`` (v3 models rely on it)."""


def _normalized(function: object, texts: list[str]) -> list[str]:
    return [s.decode() for s in function(tf.constant(texts)).numpy()]


def _words(texts: list[str], standardize: object = normalize_post_v2) -> list[list[str]]:
    """Words the vectoriser reads (normaliser, whitespace split, leet digits) for each post."""
    layer = RobustVectorization(standardize=standardize, output_mode="int", output_sequence_length=8)
    layer.adapt(tf.constant(["placeholder"]))
    return [[w.decode() for w in row] for row in layer._preprocess(tf.constant(texts)).to_list()]


def test_the_saved_normalisers_are_unchanged() -> None:
    assert _normalized(normalize_post, TRICKY) == NORMALIZE_POST
    assert _normalized(standardize_post, TRICKY) == STANDARDIZE_POST


def test_the_default_preset_keeps_the_robust_normaliser() -> None:
    assert preset("default").normalizer == "robust"
    assert build_vectorizer(preset("default")).get_config()["standardize"] is normalize_post
    assert build_vectorizer(preset("default").with_overrides(normalizer="robust2"))._standardize is normalize_post_v2


@pytest.mark.parametrize(
    ("typographic", "ascii"),
    [
        ("thanks, “idiot”.", 'thanks, "idiot".'),
        ("nice work, idiot…", "nice work, idiot..."),
        ("my neighbour is an idiot—seriously", "my neighbour is an idiot--seriously"),
        ("an idiot–seriously ‒ really ― yes", "an idiot-seriously - really - yes"),
        ("don’t you dare", "don't you dare"),
        ("don‘t donʼt don＇t don´t don‛t", "don't don't don't don't don't"),
        ("｀quoted｀ don`t", "`quoted` don`t"),
        ("«stupid» ‹jerk› „loser“", '"stupid" "jerk" "loser"'),
        ("¿moron? ¡idiota!", "moron? idiota!"),
        ("•bullet · middle ‼ ⁉ 。、", "*bullet . middle !! !? .,"),
        ("＂fullwidth＂！ ＠user ＄hit a＄＄ f＊ck", '"fullwidth"! @user $hit a$$ f*ck'),
        ("f★ck b﹫stard ﹩hit", "f*ck b@stard $hit"),
        ("f•u•c•k you", "f.u.c.k you"),
        ("1d10t… l0s3r—", "1d10t... l0s3r--"),
        ("stooopid—so stooopid", "stooopid--so stooopid"),
        ("see https://x.y/z… now", "see https://x.y/z now"),
        ("wow\u203c\ufe0f what", "wow!! what"),  # with the emoji variation selector
        ("5 − 3 → 2 ■ done ✓", "5 - 3 - 2 - done -"),
    ],
)
def test_typographic_punctuation_reads_as_its_ascii_form(typographic: str, ascii: str) -> None:
    assert _words([typographic]) == _words([ascii])
    assert _words([ascii]) == _words([ascii], normalize_post), "ASCII posts read as the robust normaliser reads them"


def test_letters_digits_and_emoji_stay() -> None:
    post = "привет, идиот! 你好，傻瓜。 مرحبا، غبي؟ नमस्ते। covid19 3.14 😂🤬 👍🏽 \u2764\ufe0f idiot😂 straße"
    letters = ["привет", "идиот", "你好", "傻瓜", "مرحبا", "غبي", "नमस्ते", "covid19", "3", "14"]
    assert _words([post]) == [[*letters, "😂🤬", "👍🏽", "\u2764\ufe0f", "idiot😂", "straße"]]


def test_plain_ascii_posts_normalise_as_with_the_robust_normaliser() -> None:
    texts, _ = tiny_corpus(64)
    ascii_posts = [post for post in TRICKY if post.isascii()] + texts + ["don`t `quoted`"]
    assert _normalized(normalize_post_v2, ascii_posts) == _normalized(normalize_post, ascii_posts)


def test_the_unicode_rules_run_only_on_posts_they_can_change_with_the_same_result() -> None:
    text = tf.strings.lower(tf.constant([*TRICKY, "plain words", "a$$ b@stard"]))
    gated = robust._only_where(text, robust._NOT_PLAIN_ASCII, robust._plain_spaces_and_punctuation)
    assert (gated.numpy() == robust._plain_spaces_and_punctuation(text).numpy()).all()


def test_config_and_command_line_accept_robust2() -> None:
    assert ModelConfig(normalizer="robust2", word_chars=8).word_chars == 8
    with pytest.raises(ConfigError, match="robust2"):
        ModelConfig(normalizer="robust3")
    with pytest.raises(ConfigError, match="word_chars"):
        ModelConfig(normalizer="basic", word_chars=8)
    args = build_parser().parse_args(["train", "--data", "x.csv", "--out", "m", "--normalizer", "robust2"])
    assert args.normalizer == "robust2"


PROBE = [
    "thanks, “idiot”.",
    'thanks, "idiot".',
    "you 1d10t…",
    "don’t be a moron—seriously",
    "a friendly post about the game",
    "",
    "“…”",
]


def _tiny_config(normalizer: str) -> ModelConfig:
    """A few seconds of training: the character channel and the calibrated head, with ``normalizer``."""
    return preset("default").with_overrides(
        epochs=2,
        vocab_size=200,
        embedding_dim=8,
        lstm_units=4,
        batch_size=32,
        sequence_length=16,
        normalizer=normalizer,
        word_chars=8,
        char_filters=6,
    )


@pytest.fixture(scope="module")
def robust2_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    """A tiny robust2 model (with the character channel and calibrated head), saved; and its scores before saving."""
    texts, labels = tiny_corpus(320)
    config = _tiny_config("robust2")
    clf = ToxicityClassifier(config=config).fit(texts, labels)
    scores = clf.predict_proba(PROBE)
    return clf.save(tmp_path_factory.mktemp("robust2") / "model"), scores


def test_a_robust2_model_round_trips_with_safe_mode_and_scores_the_same(robust2_model: tuple[Path, np.ndarray]) -> None:
    path, before = robust2_model
    with zipfile.ZipFile(path / "model.keras") as archive:
        assert "normalize_post_v2" in archive.read("config.json").decode()
    clf = ToxicityClassifier.load(path)
    assert json.loads((path / "metadata.json").read_text())["config"]["normalizer"] == "robust2"
    after = clf.predict_proba(PROBE)
    np.testing.assert_allclose(after, before, atol=1e-6, rtol=0)
    raw = keras.saving.load_model(path / "model.keras", compile=False, safe_mode=True)
    np.testing.assert_allclose(raw(tf.constant(PROBE)).numpy(), before, atol=1e-5, rtol=0)
    np.testing.assert_allclose(after[0], after[1], atol=1e-6, rtol=0, err_msg="curly quotes score as straight ones")
    assert (after[5:] == 0).all(), "posts without words score exactly 0"
    assert clf._compiled().fused() is not None, "robust2 must not fall back from the fused runtime"
    many = clf.predict_proba(PROBE * 100)
    np.testing.assert_allclose(many[: len(PROBE)], before, atol=1e-5, rtol=0)


@pytest.fixture(scope="module")
def robust_model() -> ToxicityClassifier:
    """A tiny model trained with the ``robust`` normaliser and the character channel."""
    texts, labels = tiny_corpus(320)
    texts = [*texts, "you are an idiot", "thanks, you idiot", "what a moron"]
    labels = np.vstack([labels, [[1, 0], [1, 0], [1, 0]]])
    config = _tiny_config("robust")
    return ToxicityClassifier(config=config).fit(texts, labels)


def test_a_robust_model_reads_through_robust2_with_the_same_weights(
    robust_model: ToxicityClassifier, tmp_path: Path
) -> None:
    texts, _ = tiny_corpus(64)
    ascii_posts = [*texts, 'thanks, "idiot".', "you idiot... what a moron - seriously"]
    typographic = ["thanks, “idiot”.", "you idiot… what a moron — seriously"]
    before = robust_model.predict_proba(ascii_posts + typographic)
    weights = [w.copy() for w in robust_model.model_.get_weights()]
    robust_model.read_through("robust2")
    assert robust_model.config.normalizer == "robust2"
    after = robust_model.predict_proba(ascii_posts + typographic)
    np.testing.assert_allclose(after[: len(ascii_posts)], before[: len(ascii_posts)], atol=1e-6, rtol=0)
    np.testing.assert_allclose(after[-2:], after[-4:-2], atol=1e-6, rtol=0, err_msg="typographic reads as ASCII")
    assert not np.allclose(before[-2:], before[-4:-2], atol=1e-3), "robust alone read the curly quotes otherwise"
    assert all((a == b).all() for a, b in zip(weights, robust_model.model_.get_weights(), strict=True))
    path = robust_model.save(tmp_path / "model")
    with zipfile.ZipFile(path / "model.keras") as archive:
        assert "normalize_post_v2" in archive.read("config.json").decode()
    loaded = ToxicityClassifier.load(path)
    assert loaded.config.normalizer == "robust2"
    np.testing.assert_allclose(loaded.predict_proba(ascii_posts + typographic), after, atol=1e-6, rtol=0)
    raw = keras.saving.load_model(path / "model.keras", compile=False, safe_mode=True)
    np.testing.assert_allclose(raw(tf.constant(typographic)).numpy(), after[-2:], atol=1e-5, rtol=0)


def test_only_a_robust_model_reads_through_robust2(robust2_model: tuple[Path, np.ndarray]) -> None:
    clf = ToxicityClassifier.load(robust2_model[0])
    with pytest.raises(ConfigError, match="only a 'robust' model"):
        clf.read_through("robust2")
    with pytest.raises(ConfigError, match="--read-normalizer robust2 needs --normalizer robust"):
        TrainingRequest(
            out=Path("m"), config=preset("default").with_overrides(normalizer="basic"), read_normalizer="robust2"
        )
    assert TrainingRequest(out=Path("m"), read_normalizer="robust2").read_normalizer == "robust2"
    args = build_parser().parse_args(["train", "--data", "x.csv", "--out", "m", "--read-normalizer", "robust2"])
    assert args.read_normalizer == "robust2"
