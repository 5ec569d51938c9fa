"""Explanations without widgets: the per-post cache, occlusion, and global runs that reuse cached posts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import PermissionDenied
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


class _LengthRecorder:
    """A predict function that remembers the longest text it was given (scores 0.5 per 'idiot', capped)."""

    def __init__(self) -> None:
        self.longest = 0

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.longest = max([self.longest, *(len(text) for text in texts)])
        return np.array([[min(0.1 + 0.5 * text.count("idiot"), 1.0), 0.1] for text in texts])


def test_occlusion_of_a_huge_post_with_few_words_copies_it_for_no_word() -> None:
    text = " ".join(["x" * 5_000] * 20 + ["idiot"])  # 21 words, 100 kB: occlusion would copy it 22 times
    model = _LengthRecorder()
    assert len(text) > explanations.OCCLUSION_MAX_CHARS
    assert explanations.occlusion_table(text, "v-long", ("toxic", "hate"), model) is None
    assert model.longest == 0
    short = "you idiot"
    table = explanations.occlusion_table(short, "v-long", ("toxic", "hate"), model)
    assert table is not None and len(table) == 4  # an ordinary post still gets its table


def test_faithfulness_removes_words_from_the_text_that_was_explained() -> None:
    limit = explanations.CONFIG.max_chars
    text = "you idiot stupid " + " ".join(["word"] * 10) + " " + "y" * (2 * limit)
    model = _LengthRecorder()
    labels = ("toxic", "hate")
    attributions = explanations.attributions_of(text, model, labels, "v-faithful")
    settings = explanations.settings_key()
    summary = explanations.faithfulness_summary(text, "v-faithful", settings, labels, model, attributions)
    assert model.longest <= limit  # never a copy of the whole post per variant
    toxic = summary[(summary["label"] == "toxic") & (summary["k"] == 1)].iloc[0]
    assert toxic["top_k_drop"] == pytest.approx(0.5)  # removing "idiot" from the explained text


def test_a_long_post_explained_by_a_global_run_keeps_its_cut_note() -> None:
    model = _LengthRecorder()
    long_post = "you idiot " + "x" * (explanations.CONFIG.max_chars + 10)
    job = explanations.start_global(("h", "text", "v-notes"), [long_post, "hi"], [0, 1], model, ["toxic", "hate"], "")
    explanations.finish_global(job)
    cached = explanations.cached_post(long_post, "v-notes")
    assert cached is not None
    assert len(cached.notes) == 1 and cached.notes[0].startswith(f"Post 0 has {len(long_post):,} characters")
    assert explanations.cached_post("hi", "v-notes").notes == ()


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


def test_stopping_a_global_run_another_session_joined_leaves_it_running_for_them() -> None:
    import threading

    from ui.services import jobs

    queue = jobs.JobQueue(workers=1)
    gate = threading.Event()
    busy = queue.submit(lambda job: gate.wait(10), owner="c", kind=jobs.SCORING)
    run = explanations.GlobalJob(
        source=("hash", "text", "v1"),
        rows=[0],
        todo=[0],
        todo_texts=["x"],
        reused=explanations._concat([]),
        description="the 1 post",
    )
    run.queued = queue.submit(lambda job: "view", owner="a", kind=jobs.GLOBAL_EXPLANATION, key="global")
    assert queue.submit(lambda job: "view", owner="b", kind=jobs.GLOBAL_EXPLANATION, key="global") is run.queued
    assert run.stop("a") is False
    assert not run.cancel.is_set() and not run.queued.done and run.queued.owner == "b"
    assert run.stop("b") is True
    assert run.cancel.is_set() and run.queued.future.cancelled()
    gate.set()
    assert busy.wait() is True
    queue.close()
