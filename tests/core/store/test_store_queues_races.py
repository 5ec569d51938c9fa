"""Two queues of the same name created at the same moment (two servers): the second gets a message."""

from __future__ import annotations

import threading

import pytest

from core.errors import ModLensError
from core.store import queues
from core.store.batches import save_batch
from core.store.db import Database
from core.store.queues import QueueRequest, create_queue, list_queues
from core.store.rules import AllPosts
from tests.db_fixtures import batch_input


def test_the_second_of_two_simultaneous_queues_of_one_name_is_refused_with_a_message(
    db, team, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = save_batch(db, team["ana"], batch_input(6))
    second = save_batch(db, team["ana"], batch_input(6))
    other = Database(store_url)
    outcome: list[BaseException | str] = []

    def create_second() -> None:
        try:
            create_queue(other, team["rev"], second.id, QueueRequest("urgent", AllPosts()))
            outcome.append("created")
        except Exception as exc:  # the test looks at what it was
            outcome.append(exc)

    real_add_event = queues.add_event
    racer = threading.Thread(target=create_second)

    def add_event_then_race(*args, **kwargs):  # the first queue, inserted but not yet committed
        if not racer.is_alive() and not outcome:
            racer.start()
            racer.join(timeout=2)
        return real_add_event(*args, **kwargs)

    monkeypatch.setattr(queues, "add_event", add_event_then_race)
    try:
        create_queue(db, team["ana"], first.id, QueueRequest("urgent", AllPosts()))
        racer.join(timeout=60)
    finally:
        other.close()
    assert len(outcome) == 1 and isinstance(outcome[0], ModLensError), outcome
    assert "exists already" in str(outcome[0])
    assert [(q.name, q.batch_id, q.total) for q in list_queues(db, team["ana"])] == [("urgent", first.id, 6)]
