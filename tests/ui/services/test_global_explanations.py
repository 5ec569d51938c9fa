"""The global view without widgets: runs reuse cached posts, cache the new ones, and stop only for the last waiter."""

from __future__ import annotations

from tests.ui.fake_model import KeywordModel, LengthRecorder
from ui.services import explanations, global_explanations, models


def test_a_global_run_reuses_cached_posts_and_caches_the_new_ones(fake_model: KeywordModel) -> None:
    version = models.model_version(fake_model)
    texts = ["you idiot", "I hate you", "hello there"]
    explanations.explain_post(texts[0], fake_model.predict_proba, fake_model.labels_, version)
    job = global_explanations.start_global(
        ("hash", "text", version), texts, [0, 1], fake_model.predict_proba, fake_model.labels_, "two posts"
    )
    assert job.todo == [1]  # post 0 was cached
    run = global_explanations.finish_global(job)
    assert (run.n_chosen, run.n_explained, run.n_reused) == (2, 2, 1) and not run.cancelled
    assert explanations.cached_post(texts[1], version) is not None  # the new post went into the cache
    assert set(global_explanations.post_table(run, "idiot", "toxic")["row"]) == {0}


def test_a_long_post_explained_by_a_global_run_keeps_its_cut_note() -> None:
    model = LengthRecorder()
    long_post = "you idiot " + "x" * (explanations.CONFIG.max_chars + 10)
    job = global_explanations.start_global(
        ("h", "text", "v-notes"), [long_post, "hi"], [0, 1], model, ["toxic", "hate"], ""
    )
    global_explanations.finish_global(job)
    cached = explanations.cached_post(long_post, "v-notes")
    assert cached is not None
    assert len(cached.notes) == 1 and cached.notes[0].startswith(f"Post 0 has {len(long_post):,} characters")
    assert explanations.cached_post("hi", "v-notes").notes == ()


def test_stopping_a_global_run_another_session_joined_leaves_it_running_for_them() -> None:
    import threading

    from ui.services import jobs

    queue = jobs.JobQueue(workers=1)
    gate = threading.Event()
    busy = queue.submit(lambda job: gate.wait(10), owner="c", kind=jobs.SCORING)
    run = global_explanations.GlobalJob(
        source=("hash", "text", "v1"),
        rows=[0],
        todo=[0],
        todo_texts=["x"],
        reused=global_explanations._concat([]),
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
