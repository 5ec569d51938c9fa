"""Reviewers' notes and reason labels keep odd text (NUL) on SQLite and PostgreSQL alike, instead of a driver error."""

from __future__ import annotations

from core.store.claims import find_item
from core.store.decisions import ScoreFilter, bulk_decide, decide
from core.store.exports import decision_history
from core.store.reasons import add_reason, list_reasons


def test_a_note_with_nul_is_saved_with_a_replacement_character(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=3)
    decide(db, team["rev"], find_item(db, team["rev"], queue, "p1"), "remove", note="pasted\x00note")
    bulk_decide(db, team["rev"], queue, "approve", ScoreFilter("toxic", max_score=1.0), note="bulk\x00note")
    notes = set(decision_history(db, team["ana"], queue)["note"])
    assert notes == {"pasted\ufffdnote", "bulk\ufffdnote"}


def test_a_reason_label_with_nul_is_saved_with_a_replacement_character(db, team) -> None:
    add_reason(db, team["admin"], "odd_label", "odd\x00label", ["remove"])
    labels = {reason.code: reason.label for reason in list_reasons(db)}
    assert labels["odd_label"] == "odd\ufffdlabel"
