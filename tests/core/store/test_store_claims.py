from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.errors import ModLensError, PermissionDenied
from core.store import claims, decisions
from core.store.claims import claim_next, find_item, get_item, release
from core.store.decisions import decide
from core.store.schema import utcnow


def test_two_reviewers_get_different_posts_highest_score_first(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=5)
    first = claim_next(db, team["rev"], queue)
    second = claim_next(db, team["rev2"], queue)
    assert (first.external_id, second.external_id) == ("p4", "p3")  # toxic = 0.8 then 0.6
    assert first.claimed_by == "rev" and first.lease_expires_at is not None
    assert first.text == "post number 4" and first.thresholds == {"toxic": 0.5, "hate": 0.5}


def test_a_reload_gets_the_same_post_back_and_a_decision_moves_on(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=3)
    first = claim_next(db, team["rev"], queue)
    assert claim_next(db, team["rev"], queue).item_id == first.item_id
    decide(db, team["rev"], first.item_id, "approve")
    following = claim_next(db, team["rev"], queue)
    assert following.item_id != first.item_id


def test_an_expired_lease_returns_the_post(db, team, make_queue, monkeypatch) -> None:
    queue = make_queue(team["ana"], n=1)
    held = claim_next(db, team["rev"], queue, lease_seconds=60)
    assert claim_next(db, team["rev2"], queue) is None
    # two minutes later, by the store's clock: no sleeping, so a slow machine cannot expire the lease early
    later = utcnow() + timedelta(minutes=2)
    monkeypatch.setattr(claims, "utcnow", lambda: later)
    monkeypatch.setattr(decisions, "utcnow", lambda: later)
    taken = claim_next(db, team["rev2"], queue)
    assert taken.item_id == held.item_id and taken.claimed_by == "rev2"
    with pytest.raises(ModLensError, match="is being reviewed by rev2"):
        decide(db, team["rev"], held.item_id, "remove")


def test_release_gives_the_post_back(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=1)
    held = claim_next(db, team["rev"], queue)
    release(db, team["rev2"], held.item_id)  # not the holder: nothing happens
    assert claim_next(db, team["rev2"], queue) is None
    release(db, team["rev"], held.item_id)
    assert claim_next(db, team["rev2"], queue).item_id == held.item_id


def test_analysts_cannot_claim_and_nothing_left_is_none(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=1)
    with pytest.raises(PermissionDenied, match="ana is an analyst"):
        claim_next(db, team["ana"], queue)
    with pytest.raises(ModLensError, match=re.escape("Queue 'nope' does not exist. Queues: queue-1.")):
        claim_next(db, team["rev"], "nope")
    item = claim_next(db, team["rev"], queue)
    decide(db, team["rev"], item.item_id, "remove")
    assert claim_next(db, team["rev"], queue) is None
    assert get_item(db, team["ana"], item.item_id).status == "decided"


def test_find_item_by_the_files_id(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=3)
    item_id = find_item(db, team["rev"], queue, "p2")
    assert get_item(db, team["rev"], item_id).external_id == "p2"
    with pytest.raises(ModLensError, match="No post with id 'p9' in queue"):
        find_item(db, team["rev"], queue, "p9")
