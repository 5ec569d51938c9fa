"""Per-term balancing weights: skewed identity terms lift their harmless posts more than the flat weight."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.bias import load_lexicon, match_identities
from core.training.balance import balanced_identity_weights, balancing_weights, label_state, term_rates

TEXTS = [
    "jews are vermin",  # hostile
    "jews ruin everything",  # hostile
    "jews are lovely neighbours",
    "women are welcome here",
    "women run the club",
    "women are useless",  # hostile
    "nice weather today",
    "get lost idiot",  # hostile
]
Y = np.array([[1, 1], [1, 1], [0, 0], [0, 0], [0, 0], [1, 0], [0, np.nan], [1, 0]], dtype=float)


def test_label_state_reads_any_known_label() -> None:
    y = np.array([[1, np.nan], [np.nan, 1], [0, np.nan], [np.nan, np.nan], [0, 0]])
    hostile, harmless = label_state(y)
    assert hostile.tolist() == [True, True, False, False, False]
    assert harmless.tolist() == [False, False, True, False, True]


def test_term_rates_count_posts_per_term() -> None:
    matches = match_identities(TEXTS, load_lexicon())
    hostile, harmless = label_state(Y)
    rates = term_rates(matches.terms, hostile, harmless).set_index("term")
    assert rates.loc["jews"].tolist() == [3, 2]
    assert rates.loc["women"].tolist() == [3, 1]
    counted = np.array([True, False, True, True, True, True, True, True])
    assert term_rates(matches.terms, hostile, harmless, counted).set_index("term").loc["jews"].tolist() == [2, 1]


def test_balancing_weights_follow_the_odds_within_floor_and_cap() -> None:
    rates = pd.DataFrame({"term": ["skewed", "average", "mild", "extreme"], "n": [4, 4, 4, 4], "hostile": [3, 2, 1, 4]})
    weights = balancing_weights(rates, 0.5, floor=1.5, cap=10.0, prior=0.0)
    # odds 3 against base odds 1: three times the flat weight; the average term keeps the flat weight
    assert weights["skewed"] == pytest.approx(4.5) and weights["average"] == pytest.approx(1.5)
    assert weights["mild"] == pytest.approx(1.5)  # less skewed than the average post: never below the floor
    assert weights["extreme"] == pytest.approx(10.0)  # no harmless post at all: the cap
    smoothed = balancing_weights(rates, 0.5, floor=1.5, cap=10.0, prior=4.0)
    assert 1.5 < smoothed["skewed"] < 4.5 and smoothed["extreme"] < 10.0
    assert balancing_weights(rates, 0.0, floor=1.5, cap=10.0).empty  # no hostile post: nothing to balance


def test_harmless_posts_get_their_terms_weight_and_others_stay_at_one() -> None:
    weights = balanced_identity_weights(TEXTS, Y, floor=1.5, cap=8.0, prior=0.0)
    # base odds 4/4 = 1; "jews" odds 2/1 = 2 -> 3.0; "women" odds 1/2 -> floor 1.5
    assert weights.tolist() == [1.0, 1.0, 3.0, 1.5, 1.5, 1.0, 1.0, 1.0]
    both = balanced_identity_weights([*TEXTS, "jews and women together"], np.vstack([Y, [0, 0]]), floor=1.5, cap=8.0)
    assert both[-1] == pytest.approx(max(both[2], both[3]))  # a post naming two terms takes the larger weight


def test_counted_rows_alone_set_the_weights() -> None:
    extra = ["jews are lovely"] * 10  # e.g. the project's harmless sentences: weighted, not counted
    texts, y = [*TEXTS, *extra], np.vstack([Y, np.zeros((10, 2))])
    counted = np.arange(len(texts)) < len(TEXTS)
    weights = balanced_identity_weights(texts, y, floor=1.5, cap=8.0, counted=counted, prior=0.0)
    assert weights[2] == pytest.approx(3.0) and (weights[len(TEXTS) :] == weights[2]).all()
    assert balanced_identity_weights([], np.zeros((0, 2)), floor=1.5, cap=8.0).shape == (0,)
