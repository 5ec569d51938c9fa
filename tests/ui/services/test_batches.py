"""Tests for ui.services.batches: how a batch names the model that scored it, and finds it again."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.io.posts import Posts
from core.registry import ModelRegistry, model_version_label
from ui.services import batches
from ui.services.models import ref_at
from ui.services.results import ScoredPosts


def _result(ref=None) -> ScoredPosts:
    posts = Posts(frame=pd.DataFrame({"text": ["a", "b"]}), text_col="text")
    return ScoredPosts(
        posts=posts,
        labels=("toxic",),
        scores=np.array([[0.1], [0.9]], dtype="float32"),
        model_thresholds={"toxic": 0.5},
        model_name=ref.name if ref is not None else "outside model",
        model=ref,
    )


def test_a_result_scored_by_a_registry_version_is_named_like_decisions_name_it() -> None:
    registry = ModelRegistry()
    bundled = next(v for v in registry.list() if v.version == 0)
    label = batches.model_label(_result(ref_at(bundled.path, bundled.name)))
    assert label == model_version_label(bundled.path)
    found = batches.version_named(label)
    assert found is not None
    ref, thresholds = found
    assert ref.number == 0 and ref.name == bundled.name
    assert thresholds == dict(bundled.thresholds)


def test_a_model_no_longer_in_the_registry_is_not_found_and_a_result_without_reference_keeps_its_name() -> None:
    assert batches.version_named("v7 gone-model (2020-01-01T00:00:00+00:00)") is None
    assert batches.model_label(_result()) == "outside model"


def test_the_same_file_scored_by_another_version_of_the_same_name_is_not_taken_for_its_batch(monkeypatch) -> None:
    from ui.services.model_ref import ModelRef

    held: dict[str, object] = {}
    monkeypatch.setattr(batches.state, "get", lambda key, default=None: held.get(key, default))
    monkeypatch.setattr(batches.state, "put", held.__setitem__)
    first = _result(ModelRef("/models/versions/v1", "aaaa", "my-model", 1))
    second = _result(ModelRef("/models/versions/v2", "bbbb", "my-model", 2))  # trained with the default name too
    saved = batches.SavedRef(1, {"toxic": 0.5}, "posts.csv", "boss", "v1 my-model (2026-01-01)")
    held[batches.BATCH] = (batches.result_key(first), saved)
    assert batches.saved_ref(first) == saved
    assert batches.saved_ref(second) is None  # saved as its own batch, not as v1's
    retagged = _result(ModelRef("/models/versions/v1", "cccc", "my-model", 1))  # v1 saved with new thresholds
    assert batches.saved_ref(retagged) == saved
