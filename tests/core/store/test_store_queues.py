from __future__ import annotations

import pytest

from core.errors import ModLensError, PermissionDenied
from core.store.batches import save_batch
from core.store.claims import claim_next
from core.store.queues import QueueRequest, create_queue, list_queues
from core.store.rules import Flagged, IdentityGroup, ScoreRange
from tests.db_fixtures import batch_input


def test_queue_from_a_saved_batch_takes_only_unqueued_posts(db, team) -> None:
    saved = save_batch(db, team["ana"], batch_input(20))
    first = create_queue(db, team["ana"], saved.id, QueueRequest("high", ScoreRange("toxic", 0.5, 1.0)))
    assert (first.size, first.already_queued) == (10, 0)
    second = create_queue(db, team["ana"], saved.id, QueueRequest("groups", IdentityGroup("muslim")))
    # posts 0, 5, 10, 15 mention muslims; 10 and 15 are already in "high"
    assert (second.size, second.already_queued) == (2, 2)
    listed = {q.name: q for q in list_queues(db, team["rev"])}
    assert listed["high"].total == 10 and listed["groups"].total == 2 and listed["high"].file_name == "posts.csv"
    assert listed["high"].labels == ("toxic", "hate")
    assert listed["groups"].rule_text == "mentions identity group 'muslim' (identity lexicon)"


def test_priority_is_score_then_age(db, team) -> None:
    saved = save_batch(db, team["ana"], batch_input(10, thresholds={"toxic": 0.5, "hate": 1.0}))
    create_queue(db, team["ana"], saved.id, QueueRequest("tox", Flagged("toxic")))
    order = [claim_next(db, team["rev"], "tox", lease_seconds=60).external_id for _ in range(2)]
    assert order[0] == "p9"  # one claim is held per reviewer: the same post comes back
    assert order == ["p9", "p9"]


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (QueueRequest("x", ScoreRange("spam")), "Label 'spam' is not a label of this batch"),
        (QueueRequest(" padded ", Flagged()), "A queue name needs 1 to 100 printable characters"),
        (QueueRequest("x", Flagged(), reviews_required=9), "reviews_required must be between 1 and 5"),
    ],
)
def test_bad_queue_requests(db, team, request_: QueueRequest, message: str) -> None:
    saved = save_batch(db, team["ana"], batch_input(5))
    with pytest.raises(ModLensError, match=message):
        create_queue(db, team["ana"], saved.id, request_)
    assert list_queues(db, team["ana"]) == []


def test_only_analysts_and_up_send_posts_to_review(db, team) -> None:
    saved = save_batch(db, team["ana"], batch_input(5))
    users_module = __import__("core.store.users", fromlist=["set_role"])
    users_module.set_active(db, team["admin"], "ana", False)
    with pytest.raises(PermissionDenied, match="Account 'ana' is disabled"):
        create_queue(db, team["ana"], saved.id, QueueRequest("x", Flagged()))
