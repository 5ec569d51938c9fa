"""Explanations without widgets: the per-post cache, occlusion, and global runs that reuse cached posts."""

from __future__ import annotations

import pandas as pd

from tests.ui.fake_model import KeywordModel
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


def test_a_global_run_reuses_cached_posts_and_caches_the_new_ones(fake_model: KeywordModel) -> None:
    version = models.model_version(fake_model)
    texts = ["you idiot", "I hate you", "hello there"]
    explanations.explain_post(texts[0], fake_model.predict_proba, fake_model.labels_, version)
    job = explanations.start_global(
        ("hash", "text", version), texts, [0, 1], fake_model.predict_proba, fake_model.labels_, "two posts"
    )
    assert job.todo == [1]  # post 0 was cached
    run = explanations.finish_global(job)
    assert (run.n_chosen, run.n_explained, run.n_reused) == (2, 2, 1) and not run.cancelled
    assert explanations.cached_post(texts[1], version) is not None  # the new post went into the cache
    assert set(explanations.post_table(run, "idiot", "toxic")["row"]) == {0}
