"""Explanations without widgets: the per-post cache, occlusion, and global runs that reuse cached posts."""

from __future__ import annotations

import pandas as pd
import pytest

from core.errors import PermissionDenied
from tests.ui.fake_model import KeywordModel, LengthRecorder
from ui.services import explanations, models


def test_post_cache_reuses_explanations(fake_model: KeywordModel) -> None:
    version = models.model_version(fake_model)
    assert explanations.cached_post("you idiot", version) is None
    first = explanations.explain_post("you idiot", fake_model.predict_proba, fake_model.labels_, version)
    calls = fake_model.calls
    again = explanations.explain_post("you idiot", fake_model.predict_proba, fake_model.labels_, version)
    assert fake_model.calls == calls  # no model call on a hit
    pd.testing.assert_frame_equal(first.tokens, again.tokens)
    assert explanations.cached_post("you idiot", "another-model") is None  # keyed by model version


def test_without_word_scores_the_post_without_it(fake_model: KeywordModel) -> None:
    table = explanations.without_word("you idiot", 1, fake_model.predict_proba, fake_model.labels_)
    toxic = table.set_index("label").loc["toxic"]
    assert toxic["original"] > 0.5 > toxic["edited"]  # "idiot" carried the score


def test_occlusion_of_a_huge_post_with_few_words_copies_it_for_no_word() -> None:
    text = " ".join(["x" * 5_000] * 20 + ["idiot"])  # 21 words, 100 kB: occlusion would copy it 22 times
    model = LengthRecorder()
    assert len(text) > explanations.OCCLUSION_MAX_CHARS
    assert explanations.occlusion_table(text, "v-long", ("toxic", "hate"), model) is None
    assert model.longest == 0
    short = "you idiot"
    table = explanations.occlusion_table(short, "v-long", ("toxic", "hate"), model)
    assert table is not None and len(table) == 4  # an ordinary post still gets its table


def test_faithfulness_removes_words_from_the_text_that_was_explained() -> None:
    limit = explanations.CONFIG.max_chars
    text = "you idiot stupid " + " ".join(["word"] * 10) + " " + "y" * (2 * limit)
    model = LengthRecorder()
    labels = ("toxic", "hate")
    attributions = explanations.attributions_of(text, model, labels, "v-faithful")
    settings = explanations.settings_key()
    summary = explanations.faithfulness_summary(text, "v-faithful", settings, labels, model, attributions)
    assert model.longest <= limit  # never a copy of the whole post per variant
    toxic = summary[(summary["label"] == "toxic") & (summary["k"] == 1)].iloc[0]
    assert toxic["top_k_drop"] == pytest.approx(0.5)  # removing "idiot" from the explained text


def test_word_removal_and_edits_check_the_role(team: dict[str, str], fake_model: KeywordModel) -> None:
    with pytest.raises(PermissionDenied):  # accounts exist and nobody is signed in
        explanations.without_word("you idiot", 1, fake_model.predict_proba, fake_model.labels_)
    with pytest.raises(PermissionDenied):
        explanations.edit_scores("you idiot", "you", fake_model.predict_proba, fake_model.labels_)
    with pytest.raises(PermissionDenied):
        explanations.whole_post_scores("you idiot", fake_model.predict_proba, fake_model.labels_, "v")


def test_whole_post_scores_read_past_the_explained_start(fake_model: KeywordModel) -> None:
    long_post = "x" * (explanations.CONFIG.max_chars + 1) + " idiot"
    assert explanations.explained_in_part(long_post) and not explanations.explained_in_part("you idiot")
    scores = explanations.whole_post_scores(long_post, fake_model.predict_proba, fake_model.labels_, "v-whole")
    explained = explanations.attributions_of(long_post, fake_model.predict_proba, fake_model.labels_, "v-whole")
    start = explained.posts.set_index("label")["score"]
    assert scores["toxic"] == pytest.approx(0.55) and start["toxic"] == pytest.approx(0.1)


def test_edit_scores_compare_the_edit_with_the_post(fake_model: KeywordModel) -> None:
    table = explanations.edit_scores("you idiot", "you", fake_model.predict_proba, fake_model.labels_)
    toxic = table.set_index("label").loc["toxic"]
    assert toxic["original"] > 0.5 > toxic["edited"] and toxic["change"] < 0
