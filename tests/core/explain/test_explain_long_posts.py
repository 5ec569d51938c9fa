"""Explanations cover every word of a long post (scored in windows), up to a stated cap."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.explain import ExplainConfig, explain_text
from core.explain.config import MAX_TOKENS_CAP
from core.model.classifier import ToxicityClassifier

pytestmark = pytest.mark.slow

FILLER = "thanks for the help what a nice day I like this recipe see you at the game"


def test_every_word_of_a_long_post_gets_an_attribution_and_the_late_insult_leads(tiny_model_dir: Path) -> None:
    clf = ToxicityClassifier.load(tiny_model_dir)  # reads 20 tokens per window
    text = " ".join([FILLER] * 18) + " shut up stupid moron you pathetic idiot"  # 313 words
    result = explain_text(text, clf.predict_proba, clf.labels_, label="toxic")
    post = result.posts.iloc[0]
    assert post.n_tokens == post.n_explained == 313 and post.token_cap == MAX_TOKENS_CAP
    assert post.score >= clf.thresholds_["toxic"]
    tokens = result.for_post(0, "toxic")
    assert len(tokens) == 313 and tokens["end"].iloc[-1] == len(text)
    top = tokens.nlargest(3, "value")
    assert set(top["token"]) <= {"shut", "up", "stupid", "moron", "you", "pathetic", "idiot"}
    assert top["start"].min() > len(text) - 45  # the strongest words are the ones at the very end
    assert tokens["value"].sum() == pytest.approx(post.score - post.base_value, abs=1e-6)


def test_the_cap_is_reported_when_a_post_is_longer() -> None:
    result = explain_text(
        "a b c d e", lambda texts: [[0.5] for _ in texts], ["toxic"], config=ExplainConfig(max_tokens=3)
    )
    assert result.posts[["n_tokens", "n_explained", "token_cap"]].iloc[0].tolist() == [5, 3, 3]
