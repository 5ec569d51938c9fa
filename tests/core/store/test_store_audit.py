from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from core.errors import PermissionDenied
from core.store.audit import AuditFilter, audit_events, export_audit, record_audit
from core.store.claims import find_item
from core.store.decisions import ScoreFilter, bulk_decide, decide
from core.store.roles import demo_actor
from core.store.schema import utcnow


def test_every_change_is_an_event_with_who_and_what(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=6)
    decide(db, team["rev"], find_item(db, team["rev"], queue, "p5"), "remove", reason="threat")
    bulk_decide(db, team["rev"], queue, "approve", ScoreFilter("toxic", max_score=0.2))
    events = audit_events(db, team["admin"])
    recent = events[~events["action"].str.startswith("user_")]
    assert recent["action"].tolist() == ["bulk_decision", "decision", "batch_save", "queue_create"]
    assert recent["actor"].tolist() == ["rev", "rev", "ana", "ana"]
    bulk = recent.iloc[0]["after"]
    assert bulk == {"queue": queue, "action": "approve", "reason": None, "rule": "score_toxic <= 0.2", "decided": 2}
    decision = recent.iloc[1]
    assert decision["entity_type"] == "item" and decision["before"] == {"status": "pending"}
    assert decision["after"]["action"] == "remove" and decision["after"]["status"] == "decided"


def test_filters_and_permissions(db, team) -> None:
    record_audit(db, team["ana"], "threshold_change", "batch", 3, before={"toxic": 0.5}, after={"toxic": 0.6})
    with pytest.raises(PermissionDenied, match="reading the audit log needs the admin role"):
        audit_events(db, team["ana"])
    with pytest.raises(PermissionDenied):
        record_audit(db, demo_actor(), "login", "user")
    only = audit_events(db, team["admin"], AuditFilter(actor="ana", action="threshold_change"))
    assert only[["entity_type", "entity_id"]].values.tolist() == [["batch", "3"]]
    shouted = audit_events(db, team["admin"], AuditFilter(actor="ANA", action="threshold_change"))
    assert shouted["entity_id"].tolist() == ["3"]  # names are unique whatever their case
    assert audit_events(db, team["admin"], AuditFilter(since=utcnow() + timedelta(minutes=1))).empty
    assert len(audit_events(db, team["admin"], AuditFilter(limit=2))) == 2


def test_export_writes_json_cells(db, team, tmp_path) -> None:
    record_audit(db, team["admin"], "model_activate", "model", 2, before={"version": 1}, after={"version": 2})
    path = export_audit(db, team["admin"], tmp_path / "audit.csv", AuditFilter(action="model_activate"))
    table = pd.read_csv(path)
    assert table["after"].tolist() == ['{"version": 2}'] and table["actor"].tolist() == ["admin"]
