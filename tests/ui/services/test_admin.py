"""Tests for ui.services.admin: the audit log's filter offers every action ModLens records."""

from __future__ import annotations

import re
from pathlib import Path

from ui.services import admin, training

ROOT = Path(__file__).resolve().parents[3]
RECORDED = re.compile(r"(?:add_event|record_audit)\(\s*[\w.()]+,\s*[\w.\"]+,\s*\"([a-z_]+)\"")


def test_the_audit_filter_offers_every_action_that_is_recorded() -> None:
    found = {
        action
        for folder in ("core", "ui")
        for path in (ROOT / folder).rglob("*.py")
        for action in RECORDED.findall(path.read_text(encoding="utf-8"))
    }
    assert {"login", "user_add", "queue_create", "logout"} <= found  # the scan sees the calls
    assert found <= set(admin.AUDIT_ACTIONS)
    assert training.CANCEL_EVENT in admin.AUDIT_ACTIONS
