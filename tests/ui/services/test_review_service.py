"""Tests for ui.services.review without a Streamlit session: the progress counts and the reviewer's trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from core.errors import ModLensError
from core.store import claims, users
from core.store import exports as store_exports
from core.store.claims import find_item
from core.store.connect import open_database
from core.store.decisions import ScoreFilter, bulk_decide, decide
from core.store.exports import decision_history
from core.store.schema import Item, utcnow
from core.store.stats import QueueStats
from tests.ui.pages.workspace import queue_of
from ui.services import review


def test_status_counts_count_each_post_once_when_posts_need_two_reviews() -> None:
    summary = QueueStats(
        queue="q",
        total=6,
        pending=5,
        decided=1,
        escalated=0,
        claimed=0,
        by_action={"approve": 1, "remove": 1, "escalate": 0, "skip": 1},  # a first review and a skip are pending
        reviews_required=2,
        done_by_action={"approve": 1, "remove": 0, "escalate": 0},
    )
    counts = review.status_counts(summary).set_index("status")["posts"]
    assert counts.to_dict() == {"approve": 1, "remove": 0, "escalate": 0, "pending": 5}
    assert counts.sum() == summary.total


def test_my_decisions_reads_only_the_reviewers_latest_current_decisions(team, monkeypatch) -> None:
    db = open_database()
    queue = queue_of(8)
    rev, rev2 = users.user_actor(db, "rev"), users.user_actor(db, "rev2")
    bulk_decide(db, rev2, queue, "approve", ScoreFilter("toxic", max_score=0.3))  # p0..p2: another reviewer's
    for external, action in (("p7", "remove"), ("p6", "escalate"), ("p5", "approve"), ("p7", "approve")):
        decide(db, rev, find_item(db, rev, queue, external), action)
    monkeypatch.setattr(review.auth, "database", lambda: db)
    monkeypatch.setattr(review.auth, "require", lambda permission: rev)
    read: list[int] = []
    history = store_exports.decision_history

    def spy(*args, **kwargs):
        frame = history(*args, **kwargs)
        read.append(len(frame))
        return frame

    monkeypatch.setattr(review.store_exports, "decision_history", spy)
    mine = review.my_decisions(queue, 2)
    assert [(m.external_id, m.action) for m in mine] == [("p5", "approve"), ("p7", "approve")]  # oldest first
    assert read == [2]  # not the queue's 7 decisions
    assert [m.external_id for m in review.my_decisions(queue)] == ["p6", "p5", "p7"]  # superseded p7 left out


def test_a_stale_post_decided_meanwhile_is_refused_but_a_reopened_one_is_decided_again(team, monkeypatch) -> None:
    db = open_database()
    queue = queue_of(4)
    rev, rev2 = users.user_actor(db, "rev"), users.user_actor(db, "rev2")
    held: dict[str, object] = {}
    monkeypatch.setattr(review.state, "get", lambda key, default=None: held.get(key, default))
    monkeypatch.setattr(review.state, "put", held.__setitem__)
    monkeypatch.setattr(review.auth, "database", lambda: db)
    monkeypatch.setattr(review.auth, "require", lambda permission: rev)

    first = review.claim(queue)  # p3 on rev's screen
    review.decide(queue, first, "remove", None, None)
    stale = review.claim(queue)  # p2, left open past the lease
    with db.write() as session:
        session.execute(update(Item).where(Item.id == stale.item_id).values(lease_expires_at=utcnow() - timedelta(1)))
    decide(db, rev2, claims.claim_next(db, rev2, queue).item_id, "approve")  # rev2 takes p2 and approves it
    with pytest.raises(ModLensError, match="Post p2 was decided by rev2 in the meantime"):
        review.decide(queue, stale, "remove", None, None)
    review.step(queue, -1)  # Previous: rev's own p3, decided again on purpose
    assert review.trail_of(queue).current().item_id == first.item_id
    review.decide(queue, review.item(first.item_id), "approve", None, None)
    history = decision_history(db, rev, queue)
    assert history[["id", "reviewer", "action", "is_current"]].values.tolist() == [
        ["p3", "rev", "remove", False],
        ["p2", "rev2", "approve", True],
        ["p3", "rev", "approve", True],
    ]
