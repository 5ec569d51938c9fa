"""AppTest: a post longer than the explainer reads (``ExplainConfig.max_chars``) on the Explain page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.pages.test_explain_page import metrics, scored, table_with
from ui.services import explanations


def test_a_post_flagged_after_its_explained_start_keeps_its_score_and_verdict(score_page: AppTest) -> None:
    long_post = "x" * (explanations.CONFIG.max_chars + 50) + " you idiot"  # the insult is past the explained start
    at = scored(score_page, long_post + "\nhello there\n")
    at.query_params["post"] = "1"
    at.run()
    assert not at.exception
    assert metrics(at)["toxic score"] == "0.550"  # the score of the table, not of the start (0.100)
    deltas = {m.label: m.proto.delta for m in at.metric}
    assert deltas["toxic score"] == "flagged at threshold 0.500"
    captions = [c.value for c in at.caption]
    assert any(c.startswith("The explained start of the post scores 0.100;") for c in captions), captions


def test_removing_a_word_of_a_long_post_scores_the_whole_post_without_it(score_page: AppTest) -> None:
    long_post = "you idiot " + "x" * (explanations.CONFIG.max_chars + 50)  # too long for the all-words table
    at = scored(score_page, long_post + "\nhello there\n")
    at.query_params["post"] = "1"
    at.run()
    assert not at.exception
    assert metrics(at)["toxic score"] == "0.550"
    removed = table_with(at, "without the word").set_index("label")  # its strongest word, "idiot"
    assert removed.loc["toxic", "score"] == pytest.approx(0.55)
    assert removed.loc["toxic", "without the word"] == pytest.approx(0.1)
