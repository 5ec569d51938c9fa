"""Audit events keep odd text (NUL, undecodable file names, long ids) on SQLite and PostgreSQL alike."""

from __future__ import annotations

from core.store.audit import AuditFilter, audit_events, record_audit


def test_odd_text_in_an_event_is_stored_not_a_database_error(db, team) -> None:
    record_audit(
        db,
        team["admin"],
        "model_train_cancel",
        "model",
        "m\x00" + "x" * 100,
        before={"source": "posts-\udcff.csv", "note\x00": ["a\x00b", {"n": 1}]},  # a non-UTF-8 file name
    )
    event = audit_events(db, team["admin"], AuditFilter(action="model_train_cancel")).iloc[0]
    assert event["entity_id"] == "m\ufffd" + "x" * 62
    assert event["before"] == {"source": "posts-\ufffd.csv", "note\ufffd": ["a\ufffdb", {"n": 1}]}
