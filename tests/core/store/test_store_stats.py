from __future__ import annotations

import math

import pytest
from sklearn.metrics import cohen_kappa_score

from core.store.claims import claim_next, find_item
from core.store.decisions import ScoreFilter, bulk_decide, decide
from core.store.rules import Flagged
from core.store.stats import (
    author_counts,
    author_posts,
    model_agreement,
    queue_stats,
    reviewer_agreement,
    reviewer_progress,
)


def _decide_by_id(db, actor, queue, external_id, action, **kw) -> None:
    decide(db, actor, find_item(db, actor, queue, external_id), action, **kw)


def test_queue_stats_count_posts_by_state_and_action(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=10)
    _decide_by_id(db, team["rev"], queue, "p9", "remove", seconds=10)
    _decide_by_id(db, team["rev"], queue, "p8", "escalate", seconds=20)
    _decide_by_id(db, team["rev2"], queue, "p7", "skip")
    bulk_decide(db, team["rev2"], queue, "approve", ScoreFilter("toxic", max_score=0.15))  # p0, p1
    claim_next(db, team["rev2"], queue)
    stats = queue_stats(db, team["ana"], queue)
    assert (stats.total, stats.pending, stats.decided, stats.escalated, stats.claimed) == (10, 6, 4, 1, 1)
    assert stats.by_action == {"approve": 2, "remove": 1, "escalate": 1, "skip": 1}
    assert set(stats.to_json()) >= {"queue", "total", "pending", "decided", "by_action"}
    progress = reviewer_progress(db, team["ana"], queue).set_index(["reviewer", "source"])
    assert progress.loc[("rev", "person"), "decisions"] == 2 and progress.loc[("rev", "person"), "median_seconds"] == 15
    assert progress.loc[("rev2", "rule"), "approve"] == 2 and progress.loc[("rev2", "person"), "skip"] == 1
    assert math.isnan(progress.loc[("rev2", "rule"), "median_seconds"])


def test_authors_with_counts_and_their_posts(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=8)  # authors a0..a3 twice each; toxic >= 0.5 from p4 on
    _decide_by_id(db, team["rev"], queue, "p5", "remove")
    _decide_by_id(db, team["rev"], queue, "p1", "approve")
    counts = author_counts(db, team["ana"], queue).set_index("author")
    assert counts.loc["a1"].to_dict() == {
        "posts": 2,
        "flagged": 1,
        "pending": 0,
        "approved": 1,
        "removed": 1,
        "escalated": 0,
    }
    assert counts.index[0] == "a1"  # most removals first
    posts = author_posts(db, team["ana"], 1, "a1").posts
    assert posts["id"].tolist() == ["p1", "p5"] and posts["action"].tolist() == ["approve", "remove"]


def test_kappa_between_reviewers_matches_scikit_learn(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=6, reviews_required=2)
    rev_actions = ["remove", "remove", "approve", "approve", "remove", "approve"]
    rev2_actions = ["remove", "approve", "approve", "approve", "remove", "remove"]
    for i, (a, b) in enumerate(zip(rev_actions, rev2_actions, strict=True)):
        _decide_by_id(db, team["rev"], queue, f"p{i}", a)
        _decide_by_id(db, team["rev2"], queue, f"p{i}", b)
    table = reviewer_agreement(db, team["ana"], queue)
    assert table[["reviewer_a", "reviewer_b", "n"]].values.tolist() == [["rev", "rev2", 6]]
    assert table["kappa"].iloc[0] == pytest.approx(cohen_kappa_score(rev_actions, rev2_actions))
    assert table["agreement"].iloc[0] == pytest.approx(4 / 6)


def test_kappa_is_nan_with_its_n_when_undefined(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=2, reviews_required=2)
    _decide_by_id(db, team["rev"], queue, "p0", "remove")
    _decide_by_id(db, team["rev2"], queue, "p0", "remove")
    table = reviewer_agreement(db, team["ana"], queue)
    assert table["n"].tolist() == [1] and math.isnan(table["kappa"].iloc[0])
    assert reviewer_agreement(db, team["ana"], make_queue(team["ana"], n=2)).empty


def test_model_flags_against_decisions(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=10)  # toxic flagged (>= 0.5) for p5..p9
    for external_id, action in [
        ("p9", "remove"),
        ("p8", "remove"),
        ("p7", "approve"),
        ("p2", "remove"),
        ("p1", "approve"),
    ]:
        _decide_by_id(db, team["rev"], queue, external_id, action)
    _decide_by_id(db, team["rev"], queue, "p6", "escalate")  # left out
    table = model_agreement(db, team["ana"], queue).set_index("label")
    toxic = table.loc["toxic"]
    assert (toxic["n"], toxic["tp"], toxic["fp"], toxic["fn"], toxic["tn"]) == (5, 2, 1, 1, 1)
    assert toxic["precision"] == pytest.approx(2 / 3) and toxic["recall"] == pytest.approx(2 / 3)
    hate = table.loc["hate"]  # hate = toxic / 2 < 0.5: never flagged
    assert hate["flagged"] == 0 and math.isnan(hate["precision"]) and hate["recall"] == 0


def test_posts_done_are_counted_apart_from_first_reviews_and_skips(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=6, reviews_required=2)
    _decide_by_id(db, team["rev"], queue, "p5", "remove")  # one of two reviews: still pending
    _decide_by_id(db, team["rev"], queue, "p4", "skip")
    _decide_by_id(db, team["rev"], queue, "p3", "approve")
    _decide_by_id(db, team["rev2"], queue, "p3", "approve")  # done
    stats = queue_stats(db, team["ana"], queue)
    assert (stats.total, stats.pending, stats.decided) == (6, 5, 1)
    assert stats.by_action == {"approve": 1, "remove": 1, "escalate": 0, "skip": 1}  # latest decision, pending too
    assert stats.done_by_action == {"approve": 1, "remove": 0, "escalate": 0}
    assert sum(stats.done_by_action.values()) == stats.decided


def test_the_author_view_does_not_call_posts_never_sent_to_review_pending(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=8, rule=Flagged("toxic"))  # p4..p7 queued; a1 wrote p1 (not) and p5
    counts = author_counts(db, team["ana"], queue).set_index("author")
    assert counts.loc["a1", ["posts", "flagged", "pending"]].tolist() == [2, 1, 1]
    posts = author_posts(db, team["ana"], 1, "a1").posts
    assert posts[["id", "status"]].values.tolist() == [["p1", "not queued"], ["p5", "pending"]]


def test_the_author_view_returns_the_last_posts_and_counts_them_all(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=8)  # a1 wrote p1 and p5
    _decide_by_id(db, team["rev"], queue, "p1", "remove")
    found = author_posts(db, team["ana"], 1, "a1", limit=1)
    assert found.posts["id"].tolist() == ["p5"]  # the last one in the file, with its text
    assert found.posts["text"].iloc[0] != ""
    assert found.counts == {"posts": 2, "pending": 1, "approved": 0, "removed": 1, "escalated": 0}
