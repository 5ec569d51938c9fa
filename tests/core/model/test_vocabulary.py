"""Words a model does not know: counts from token ids, shares, and the classifier's whole-post count."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from core.model.classifier import ToxicityClassifier
from core.model.vocabulary import (
    UNKNOWN_WARN_SHARE,
    count_unknown,
    oov_id,
    savable_vocabulary,
    unknown_share,
    upload_share,
)
from core.scoring import unknown_word_counts


def test_counts_shares_and_the_upload_share() -> None:
    ids = np.array([[5, 1, 7, 0, 0], [1, 1, 0, 0, 0], [0, 0, 0, 0, 0]])
    words, unknown = count_unknown(ids, unknown_id=1)
    assert words.tolist() == [3, 2, 0] and unknown.tolist() == [1, 2, 0]
    share = unknown_share(words, unknown)
    assert share[:2].tolist() == [pytest.approx(1 / 3), 1.0] and math.isnan(share[2])  # no words: no share
    assert upload_share(words, unknown) == pytest.approx(3 / 5)
    assert math.isnan(upload_share(np.zeros(2), np.zeros(2)))
    assert oov_id(["", "[UNK]", "the"]) == 1 and 0 < UNKNOWN_WARN_SHARE <= 1


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> ToxicityClassifier:
    return ToxicityClassifier.load(tiny_model_dir)  # sequence_length 20, vocabulary of the tiny corpus


@pytest.mark.slow
def test_the_classifier_counts_unknown_words_of_whole_posts(tiny: ToxicityClassifier) -> None:
    long = " ".join(["you are lovely"] * 10) + " zzz qqq"  # 32 words: past the first window of 20
    words, unknown = tiny.unknown_words(["you are an idiot", "😀 😀", "", "Tu es vraiment nul", long])
    assert words.tolist() == [4, 2, 0, 4, 32]
    assert unknown[1:].tolist() == [2, 0, 4, 2]  # emoji and French unknown; the end of a long post is counted
    assert unknown[0] <= 1  # "an" may be missing from the tiny vocabulary; "you", "are", "idiot" are not
    assert unknown_word_counts(tiny, ["hello"])[0].tolist() == [1]


def test_models_without_a_vocabulary_check_tell_nothing() -> None:
    class Plain:
        labels_ = ("toxic",)

    assert unknown_word_counts(Plain(), ["a"]) is None


def test_savable_vocabulary_drops_terms_that_read_back_as_two_lines() -> None:
    vocabulary = ["", "[UNK]", "you", "odd\u2028word", "\xa0", "a\x85b", "c\x1cd", "idiot"]
    assert savable_vocabulary(vocabulary) == ["", "[UNK]", "you", "\xa0", "idiot"]
    assert savable_vocabulary(["", "[UNK]"]) == ["", "[UNK]"]
