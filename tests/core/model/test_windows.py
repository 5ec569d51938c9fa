"""Long posts are scored in overlapping windows; a post gets its best window's score."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.errors import ModLensError
from core.model.classifier import ToxicityClassifier
from core.model.windows import max_by_post, window_starts, window_stride

pytestmark = pytest.mark.slow

FILLER = "thanks for the help what a nice day I like this recipe see you at the game"


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> ToxicityClassifier:
    return ToxicityClassifier.load(tiny_model_dir)  # sequence_length 20


def test_windows_start_every_half_window_and_the_last_ends_the_post() -> None:
    assert window_stride(120) == 60
    assert window_starts(120, 120).tolist() == [0]
    assert window_starts(121, 120).tolist() == [0, 1]
    assert window_starts(50, 20).tolist() == [0, 10, 20, 30]
    assert window_starts(3, 20).tolist() == [0]


def test_max_by_post_takes_each_labels_best_window() -> None:
    scores = np.array([[0.1, 0.9], [0.5, 0.2], [0.7, 0.1], [0.3, 0.3]], dtype=np.float32)
    best = max_by_post(scores, np.array([0, 1, 3]))
    np.testing.assert_allclose(best, [[0.1, 0.9], [0.7, 0.2], [0.3, 0.3]])


def test_an_insult_at_the_end_of_a_long_post_is_caught(tiny: ToxicityClassifier) -> None:
    long_post = " ".join([FILLER] * 8) + " shut up stupid moron you pathetic idiot"  # 134 tokens; a window holds 20
    threshold = tiny.thresholds_["toxic"]
    tiny.long_posts = "first"
    try:
        first_only = float(tiny.predict_proba([long_post])[0, 0])
    finally:
        tiny.long_posts = "windows"
    windowed = float(tiny.predict_proba([long_post])[0, 0])
    assert first_only < threshold <= windowed


def test_short_posts_score_as_one_window_in_any_batch(tiny: ToxicityClassifier) -> None:
    posts = [f"{FILLER} you idiot" if i % 3 else " ".join([FILLER] * (i % 7)) for i in range(300)]
    together = tiny.predict_proba(posts)
    one_by_one = np.concatenate([tiny.predict_proba([post]) for post in posts[:12]])
    np.testing.assert_allclose(together[:12], one_by_one, atol=1e-6)
    short = ~tiny.long_post_mask(posts)
    tiny.long_posts = "first"
    try:
        np.testing.assert_allclose(tiny.predict_proba(posts)[short], together[short], atol=1e-6)
    finally:
        tiny.long_posts = "windows"


def test_long_post_mask_counts_model_tokens(tiny: ToxicityClassifier) -> None:
    twenty = " ".join(["word"] * 20)
    posts = ["", "you idiot", twenty, twenty + " more", " ".join([FILLER] * 40)]
    assert tiny.token_counts(posts).tolist() == [0, 2, 20, 21, 680]
    assert tiny.long_post_mask(posts).tolist() == [False, False, False, True, True]


def test_unknown_long_post_rule_is_refused(tiny: ToxicityClassifier) -> None:
    tiny.long_posts = "middle"
    try:
        with pytest.raises(ModLensError, match="long_posts must be one of windows, first"):
            tiny.predict_proba(["hello"])
    finally:
        tiny.long_posts = "windows"


def test_words_past_the_first_reading_of_a_very_long_post_still_count(tiny: ToxicityClassifier) -> None:
    insult = " shut up stupid moron you pathetic idiot"
    huge_word = "q" * (tiny.config.max_chars + 100)  # one unknown token longer than the first reading
    both = tiny.predict_proba([huge_word + insult, "qqq" + insult])
    np.testing.assert_allclose(both[0], both[1], atol=1e-6)
    assert tiny.token_counts([huge_word + insult]).tolist() == [8]
