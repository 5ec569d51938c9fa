"""Two queues of the same name created at the same moment (two servers): the second gets a message."""

from __future__ import annotations

import pytest

from core.errors import ModLensError
from core.store import queues
from core.store.batches import save_batch
from core.store.db import Database
from core.store.queues import QueueRequest, create_queue, list_queues
from core.store.rules import AllPosts
from tests.db_fixtures import batch_input, racing


def test_the_second_of_two_simultaneous_queues_of_one_name_is_refused_with_a_message(
    db, team, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = save_batch(db, team["ana"], batch_input(6))
    second = save_batch(db, team["ana"], batch_input(6))
    other = Database(store_url)
    try:
        with racing(
            monkeypatch, queues, lambda: create_queue(other, team["rev"], second.id, QueueRequest("urgent", AllPosts()))
        ) as outcome:
            create_queue(db, team["ana"], first.id, QueueRequest("urgent", AllPosts()))
    finally:
        other.close()
    assert len(outcome) == 1 and isinstance(outcome[0], ModLensError), outcome
    assert "exists already" in str(outcome[0])
    assert [(q.name, q.batch_id, q.total) for q in list_queues(db, team["ana"])] == [("urgent", first.id, 6)]
