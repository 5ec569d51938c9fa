"""AppTest: the Review page explains a post with the model that scored it, not whichever version is active now."""

from __future__ import annotations

import pandas as pd
import pytest

from core.registry import ModelRegistry, model_version_label
from core.store.batches import save_batch
from core.store.connect import open_database
from core.store.queues import QueueRequest
from core.store.roles import operator_actor
from core.store.rules import AllPosts
from tests.db_fixtures import batch_input
from tests.ui.pages.test_model_versions import registry, two_versions  # noqa: F401 - fixtures
from tests.ui.pages.workspace import signed_in, texts

PAGE = "pages/review.py"


def queue_scored_by(label: str) -> None:
    frame = pd.DataFrame({"id": ["h1"], "author": ["a"], "text": ["you idiot"], "lang": ["en"]})
    batch = batch_input(1, frame=frame, model_version=label)
    save_batch(open_database(), operator_actor(), batch, queue=QueueRequest("q", AllPosts()))


@pytest.mark.usefixtures("team")
def test_the_post_is_explained_by_the_version_that_scored_it(two_versions: int, registry: ModelRegistry) -> None:  # noqa: F811
    queue_scored_by(model_version_label(registry.path_of(0)))  # scored by version 0, the keyword fake
    registry.activate(two_versions)  # "sharper" is active now
    at = signed_in("rev")
    at.switch_page(PAGE).run()
    assert not at.exception
    captions = texts(at, "caption")
    expected = f"the explanation of {registry.list()[0].name} (version 0), which scored it"
    assert any(expected in c for c in captions), captions


@pytest.mark.usefixtures("team")
def test_a_post_whose_model_is_gone_is_explained_by_the_active_one_and_says_so(
    two_versions: int,  # noqa: F811
    registry: ModelRegistry,  # noqa: F811
) -> None:
    queue_scored_by("v9 deleted-model (2026-01-01)")
    registry.activate(two_versions)
    at = signed_in("rev")
    at.switch_page(PAGE).run()
    assert not at.exception
    expected = "the active model's explanation, sharper (version 1): the model that scored it is gone"
    assert any(expected in c for c in texts(at, "caption"))
