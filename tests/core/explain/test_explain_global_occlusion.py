"""Global aggregation over posts, occlusion and what-if scores on a fake keyword model."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from core.explain.global_view import aggregate_tokens, explain_global, select_posts, token_posts
from core.explain.occlusion import occlusion_scores, what_if

LABELS = ["toxic", "hate"]
WEIGHTS = {"idiot": 0.4, "stupid": 0.25, "hate": 0.1, "lovely": -0.05}


def additive_model(texts: list[str]) -> np.ndarray:
    """Fake model, additive in probability: each word adds its weight."""
    out = []
    for text in texts:
        words = re.findall(r"\w+", text.lower())
        out.append([0.1 + sum(WEIGHTS.get(w, 0.0) for w in words), 0.05 + 0.3 * words.count("hate")])
    return np.array(out)


def test_aggregate_tokens_means_counts_and_posts() -> None:
    tokens = pd.DataFrame(
        {
            "post_id": [1, 1, 2, 3, 3],
            "label": ["toxic"] * 5,
            "token": ["Idiot", "idiot", "IDIOT", "nice", "idiot"],
            "start": [0, 6, 0, 0, 5],
            "end": [5, 11, 5, 4, 10],
            "value": [0.2, 0.4, 0.9, -0.3, -0.1],
        }
    )
    table = aggregate_tokens(tokens)
    assert list(table["token"]) == ["idiot", "nice"]
    idiot = table.iloc[0]
    assert idiot["mean_value"] == pytest.approx((0.2 + 0.4 + 0.9 - 0.1) / 4)
    assert idiot["mean_abs_value"] == pytest.approx((0.2 + 0.4 + 0.9 + 0.1) / 4)
    assert (idiot["count"], idiot["n_posts"]) == (4, 3)
    assert idiot["posts"] == [2, 1, 3]  # strongest push first
    assert list(aggregate_tokens(tokens, min_count=2)["token"]) == ["idiot"]
    occurrences = token_posts(tokens, "IDIOT")
    assert list(occurrences["value"]) == [0.9, 0.4, 0.2, -0.1]
    assert aggregate_tokens(tokens.iloc[0:0]).empty


def test_select_posts_flagged_and_seeded_sample() -> None:
    assert select_posts(5) == [0, 1, 2, 3, 4]
    assert select_posts(5, flagged=[True, False, True, False, True]) == [0, 2, 4]
    sample = select_posts(100, max_posts=10, seed=3)
    assert len(sample) == 10 and sample == sorted(sample) and len(set(sample)) == 10
    assert sample == select_posts(100, max_posts=10, seed=3)
    assert sample != select_posts(100, max_posts=10, seed=4)
    with pytest.raises(ValueError, match="flagged"):
        select_posts(3, flagged=[True])


def test_explain_global_finds_the_driving_words_with_progress() -> None:
    texts = ["you idiot", "stupid idiot", "lovely day", "hate hate you", "fine"]
    calls: list[tuple[int, int]] = []
    view = explain_global(
        texts,
        additive_model,
        LABELS,
        post_ids=["a", "b", "c", "d", "e"],
        flagged=[True, True, False, True, False],
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert not view.cancelled
    toxic = view.tokens[view.tokens["label"] == "toxic"].set_index("token")
    assert toxic.index[0] == "idiot"
    assert toxic.loc["idiot", "mean_value"] == pytest.approx(0.4)
    assert toxic.loc["idiot", "posts"] == ["a", "b"]
    assert "lovely" not in toxic.index  # post "c" was not flagged
    hate = view.tokens[view.tokens["label"] == "hate"].set_index("token")
    assert hate.loc["hate", "count"] == 2 and hate.loc["hate", "mean_value"] == pytest.approx(0.3)


def test_explain_global_stops_when_progress_says_so() -> None:
    view = explain_global(["idiot"] * 6, additive_model, LABELS, progress=lambda done, total: done < 3)
    assert view.cancelled
    assert view.attributions.posts["post_id"].nunique() == 3
    assert view.tokens.set_index(["label", "token"]).loc[("toxic", "idiot"), "count"] == 3


def test_occlusion_scores_each_word_removed() -> None:
    text = "You stupid idiot!"
    table = occlusion_scores(text, additive_model, LABELS, label="toxic")
    assert list(table["token"]) == ["You", "stupid", "idiot"]
    assert list(table["start"]) == [0, 4, 11]
    assert table["score"].iloc[0] == pytest.approx(0.75)
    np.testing.assert_allclose(table["occluded_score"], [0.75, 0.5, 0.35])
    np.testing.assert_allclose(table["drop"], [0.0, 0.25, 0.4])
    both = occlusion_scores(text, additive_model, LABELS)
    assert list(both["label"]) == ["toxic"] * 3 + ["hate"] * 3
    assert occlusion_scores("", additive_model, LABELS).empty


def test_what_if_scores_an_edited_text() -> None:
    table = what_if("you idiot", "you lovely person", additive_model, LABELS).set_index("label")
    assert table.loc["toxic", "original"] == pytest.approx(0.5)
    assert table.loc["toxic", "edited"] == pytest.approx(0.05)
    assert table.loc["toxic", "change"] == pytest.approx(-0.45)
    assert table.loc["hate", "change"] == pytest.approx(0.0)
