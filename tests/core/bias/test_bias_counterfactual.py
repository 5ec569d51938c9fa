"""Identity-swap counterfactuals with a fake score function."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.bias.counterfactual import (
    counterfactual_gap,
    counterfactual_scores,
    largest_changes,
    swap_variants,
)
from core.bias.lexicon import Lexicon

LEXICON = Lexicon.from_frame(
    pd.DataFrame(
        [
            ("muslim", "religion", "muslim", "muslims"),
            ("muslim", "religion", "muslims", "muslims"),
            ("christian", "religion", "christian", "christians"),
            ("christian", "religion", "christians", "christians"),
            ("women", "gender", "woman", "women"),
            ("women", "gender", "women", "women"),
        ],
        columns=["group", "category", "term", "plural"],
    )
)


def fake_model(texts: list[str]) -> np.ndarray:
    """0.9 for anything about muslims, 0.5 for women, else 0.3."""
    return np.array([0.9 if "muslim" in t.lower() else 0.5 if "wom" in t.lower() else 0.3 for t in texts])


def test_swaps_keep_form_and_case() -> None:
    variants = swap_variants(["Muslims said a MUSLIM prayer."], LEXICON)
    assert variants[["source_group", "target_group"]].values.tolist() == [
        ["muslim", "christian"],
        ["muslim", "women"],
    ]
    assert variants["text"].tolist() == [
        "Christians said a CHRISTIAN prayer.",
        "Women said a WOMAN prayer.",
    ]
    assert variants["source_terms"].iloc[0] == "Muslims, MUSLIM"


def test_posts_without_identity_terms_give_no_variants() -> None:
    variants = swap_variants(["nothing to see", ""], LEXICON)
    assert variants.empty and "text" in variants


def test_scores_and_largest_change() -> None:
    texts = ["I like muslims", "no identity here", "a woman spoke"]
    scored = counterfactual_scores(texts, fake_model, LEXICON)
    assert scored["post"].tolist() == [0, 0, 2, 2]
    first = scored.iloc[0]
    assert first["original_score"] == pytest.approx(0.9)
    # largest change first: muslims -> christians (0.3) beats muslims -> women (0.5)
    assert first["target_group"] == "christian" and first["change"] == pytest.approx(-0.6)
    assert scored["change"].tolist() == pytest.approx([-0.6, -0.4, 0.4, -0.2])
    best = largest_changes(scored)
    assert best["post"].tolist() == [0, 2]
    assert best["change"].tolist() == pytest.approx([-0.6, 0.4])  # woman -> muslim


def test_known_original_scores_are_not_rescored() -> None:
    seen: list[str] = []

    def recording(texts: list[str]) -> np.ndarray:
        seen.extend(texts)
        return fake_model(texts)

    scored = counterfactual_scores(["muslims"], recording, LEXICON, original_scores=[0.3])
    assert "muslims" not in seen
    assert scored["original_score"].tolist() == [0.3, 0.3]


def test_gap_per_group_by_hand() -> None:
    texts = ["I like muslims", "a woman spoke", "muslims and women"]
    scored = counterfactual_scores(texts, fake_model, LEXICON)
    gap = counterfactual_gap(scored, ["muslim", "christian", "women"]).set_index("group")
    # muslim as source: post 0 -> 0.3 (-0.6), 0.5 (-0.4); post 2 -> christians and women (0.5,
    # -0.4), women and women (0.5, -0.4): mean |change| = (0.6 + 0.4 + 0.4 + 0.4) / 4
    assert gap.loc["muslim", "n_posts"] == 2 and gap.loc["muslim", "n_variants"] == 4
    assert gap.loc["muslim", "mean_abs_change"] == pytest.approx(0.45)
    assert gap.loc["muslim", "mean_change"] == pytest.approx(-0.45)
    assert gap.loc["muslim", "max_abs_change"] == pytest.approx(0.6)
    assert gap.loc["christian", "n_posts"] == 0 and np.isnan(gap.loc["christian", "mean_abs_change"])
    assert gap.loc["christian", "note"] == "no post mentions this group"
    assert gap.loc["overall", "n_variants"] == len(scored)


@pytest.mark.parametrize("index", [[7, 8, 9], [2, 1, 0]])
def test_a_series_of_posts_counts_by_position_whatever_its_index(index: list[int]) -> None:
    # e.g. df.loc[df.lang == "en", "text"]: the index is not 0..n-1 (KeyError before) or is
    # permuted (each post's change was measured from another post's score before).
    texts = ["I like muslims", "no identity here", "a woman spoke"]
    expected = counterfactual_scores(texts, fake_model, LEXICON)
    scored = counterfactual_scores(pd.Series(texts, index=index), fake_model, LEXICON)
    pd.testing.assert_frame_equal(scored, expected)
    assert scored.loc[scored["post"] == 2, "original_score"].tolist() == pytest.approx([0.5, 0.5])


def test_max_chars_bounds_the_swapped_text_of_long_posts_naming_many_groups() -> None:
    long_post = "muslims and women " + "word " * 2_000  # ~10,000 characters, 2 groups: 4 variants
    everything = swap_variants([long_post, "a woman"], LEXICON)
    assert len(everything) == 6
    bounded = swap_variants([long_post, "a woman"], LEXICON, max_chars=25_000)
    assert len(bounded) == 2 and bounded["text"].str.len().sum() <= 25_000  # stops before the third long copy
    assert bounded["post"].tolist() == [0, 0]
    seen: list[str] = []

    def recording(texts: list[str]) -> np.ndarray:
        seen.extend(texts)
        return fake_model(texts)

    scored = counterfactual_scores([long_post], recording, LEXICON, original_scores=[0.9], max_chars=25_000)
    assert len(scored) == 2 and sum(map(len, seen)) <= 25_000
    assert swap_variants(["a woman"], LEXICON, max_chars=0).empty
