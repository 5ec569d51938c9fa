from __future__ import annotations

import re
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select, update

from core.errors import ModLensError
from core.store.claims import claim_next, find_item, get_item
from core.store.decisions import ScoreFilter, bulk_decide, count_matching, decide
from core.store.exports import decision_history
from core.store.schema import Decision, Item, utcnow


def test_decisions_are_append_only_with_one_current_per_reviewer(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=3)
    item = find_item(db, team["rev"], queue, "p1")
    decide(db, team["rev"], item, "remove", reason="harassment", note="insult", labels=["toxic"], seconds=4.5)
    changed = decide(db, team["rev"], item, "approve", reason="quoting")
    assert changed.status == "decided"
    history = decision_history(db, team["ana"], queue)
    assert history["action"].tolist() == ["remove", "approve"]
    assert history["is_current"].tolist() == [False, True]
    assert history["labels"].iloc[0] == "toxic" and pd.isna(history["labels"].iloc[1])
    assert history["seconds_spent"].iloc[0] == 4.5
    assert set(history["model_version"]) == {"v7 test-model (2026-01-01)"}


def test_double_review_and_status_rules(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=3, reviews_required=2)
    item = find_item(db, team["rev"], queue, "p2")
    assert decide(db, team["rev"], item, "skip").status == "pending"  # a skip does not count
    assert decide(db, team["rev"], item, "remove").status == "pending"  # one of two reviews
    assert claim_next(db, team["rev"], queue).item_id != item  # rev has decided it: not offered again
    assert decide(db, team["rev2"], item, "escalate", reason="legal").status == "escalated"
    assert decide(db, team["rev2"], item, "remove").status == "decided"


def test_reasons_must_fit_the_action(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=2)
    item = find_item(db, team["rev"], queue, "p0")
    with pytest.raises(
        ModLensError, match=re.escape("Reason 'spam' cannot be given for approve. Reasons for approve: not_violating")
    ):
        decide(db, team["rev"], item, "approve", reason="spam")
    with pytest.raises(ModLensError, match="Unknown action 'ban'"):
        decide(db, team["rev"], item, "ban")
    with pytest.raises(ModLensError, match="Unknown label"):
        decide(db, team["rev"], item, "remove", labels=["spam"])
    assert decision_history(db, team["rev"], queue).empty


def test_bulk_decision_is_recorded_per_post_with_the_rule(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=20)
    held = claim_next(db, team["rev2"], queue)  # p19 (toxic 0.95) is held by rev2
    first = find_item(db, team["rev"], queue, "p0")
    decide(db, team["rev"], first, "remove")
    assert count_matching(db, team["rev"], queue, ScoreFilter("toxic", max_score=0.2)) == 4  # the confirmation
    result = bulk_decide(db, team["rev"], queue, "approve", ScoreFilter("toxic", max_score=0.2), reason="not_violating")
    assert (result.decided, result.rule_text) == (4, "score_toxic <= 0.2")  # p1..p4; p0 was decided already
    high = bulk_decide(db, team["rev"], queue, "remove", ScoreFilter("toxic", min_score=0.9))
    assert (high.decided, high.skipped_claimed) == (1, 1)  # p18; p19 is claimed
    history = decision_history(db, team["ana"], queue)
    rules = history[history["source"] == "rule"]
    assert sorted(rules["id"]) == ["p1", "p18", "p2", "p3", "p4"]
    assert set(rules["rule_text"]) == {"score_toxic <= 0.2", "score_toxic >= 0.9"}
    assert set(rules.loc[rules["action"] == "approve", "reason"]) == {"not_violating"}
    assert get_item(db, team["rev"], held.item_id).status == "pending"


def test_bulk_filters_are_checked(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=2)
    with pytest.raises(ModLensError, match="Score bounds must be between 0 and 1"):
        bulk_decide(db, team["rev"], queue, "approve", ScoreFilter("toxic", max_score=5))
    with pytest.raises(ModLensError, match="Label 'spam' is not a label of this queue"):
        bulk_decide(db, team["rev"], queue, "approve", ScoreFilter("spam", max_score=0.5))
    with pytest.raises(ModLensError, match="Label 'spam' is not a label of this queue"):
        count_matching(db, team["rev"], queue, ScoreFilter("spam", max_score=0.5))
    with db.read() as session:
        assert session.scalars(select(Decision)).all() == []


def test_a_failing_bulk_decision_changes_nothing(db, team, make_queue, monkeypatch) -> None:
    import core.store.decisions as decisions

    queue = make_queue(team["ana"], n=12)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(decisions, "refresh_status", broken)  # fails after the decisions were inserted
    with pytest.raises(RuntimeError):
        bulk_decide(db, team["rev"], queue, "approve", ScoreFilter("toxic", max_score=1.0))
    assert decision_history(db, team["rev"], queue).empty


def test_a_reason_label_longer_than_the_store_keeps_is_refused_on_every_database(db, team) -> None:
    from core.store.reasons import add_reason, list_reasons

    with pytest.raises(ModLensError, match="at most 255 characters"):
        add_reason(db, team["admin"], "long_one", "x" * 300, ["remove"])
    assert "long_one" not in {r.code for r in list_reasons(db, include_inactive=True)}


def test_decision_history_of_one_reviewer_current_and_latest(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=6)
    for external, action in (("p5", "remove"), ("p4", "approve"), ("p5", "approve")):
        decide(db, team["rev"], find_item(db, team["rev"], queue, external), action)
    decide(db, team["rev2"], find_item(db, team["rev2"], queue, "p3"), "escalate")
    assert len(decision_history(db, team["ana"], queue)) == 4
    mine = decision_history(db, team["ana"], queue, reviewer="rev", current_only=True)
    assert mine[["id", "action"]].values.tolist() == [["p4", "approve"], ["p5", "approve"]]
    last = decision_history(db, team["ana"], queue, reviewer="rev", latest=2)
    assert last["decision_id"].is_monotonic_increasing and last["action"].tolist() == ["approve", "approve"]
    assert decision_history(db, team["ana"], queue, latest=0).empty
    with pytest.raises(ModLensError, match="latest must be 0 or more"):
        decision_history(db, team["ana"], queue, latest=-1)


def test_a_bulk_skip_passes_over_new_posts_and_keeps_the_reviewers_first_review(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=10, reviews_required=2, scores=np.full((10, 2), 0.1))
    item = find_item(db, team["rev"], queue, "p1")
    decide(db, team["rev"], item, "remove")  # the first of two reviews
    result = bulk_decide(db, team["rev"], queue, "skip", ScoreFilter("toxic", max_score=0.3))
    assert result.decided == 9  # every post in range but the one rev reviewed already
    history = decision_history(db, team["ana"], queue)
    current = history[history["is_current"]]
    assert current.loc[current["id"] == "p1", "action"].tolist() == ["remove"]
    assert sorted(current.loc[current["action"] == "skip", "id"]) == sorted(f"p{i}" for i in range(10) if i != 1)


def test_the_rule_text_names_the_bound_the_bulk_decision_used(db, team, make_queue) -> None:
    scores = np.array([[0.123456, 0.0], [0.1234569, 0.0]])
    queue = make_queue(team["ana"], n=2, scores=scores)
    result = bulk_decide(db, team["rev"], queue, "approve", ScoreFilter("toxic", max_score=0.1234567))
    assert result.decided == 1  # 0.1234569 is above the bound, although it is <= 0.123457
    assert result.rule_text == "score_toxic <= 0.1234567"
    assert ScoreFilter("toxic", max_score=-0.0).describe() == "score_toxic <= 0"
    assert ScoreFilter("toxic", 0.35000000000000003, 0.5).describe() == "0.35 <= score_toxic <= 0.5"


def test_a_post_decided_meanwhile_is_refused_when_only_pending_posts_may_be_decided(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=4)
    stale = claim_next(db, team["rev"], queue, lease_seconds=0.001)  # rev's screen stays open past the lease
    with db.write() as session:  # the lease has run out
        session.execute(
            update(Item).where(Item.id == stale.item_id).values(lease_expires_at=utcnow() - timedelta(seconds=1))
        )
    taken = claim_next(db, team["rev2"], queue)
    assert taken.item_id == stale.item_id
    decide(db, team["rev2"], taken.item_id, "approve")
    with pytest.raises(ModLensError, match="Post p3 was decided by rev2 in the meantime"):
        decide(db, team["rev"], stale.item_id, "remove", pending_only=True)
    history = decision_history(db, team["ana"], queue)
    assert history[["reviewer", "action"]].values.tolist() == [["rev2", "approve"]]
    decide(db, team["rev2"], taken.item_id, "remove", pending_only=False)  # deciding again on purpose still works
