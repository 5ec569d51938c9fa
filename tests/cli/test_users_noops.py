"""``python -m core users disable|enable|set-role``: a change that changes nothing says so and records nothing."""

from __future__ import annotations

from core.store.audit import audit_events
from core.store.db import Database
from core.store.roles import operator_actor


def test_no_op_changes_say_so_and_record_nothing(tmp_path, cli) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    cli(["users", "add", "boss", "--role", "admin", "--database", url], "pw-boss-1\npw-boss-1\n")
    cli(["users", "add", "rev", "--role", "reviewer", "--database", url], "pw-rev-12\npw-rev-12\n")
    assert cli(["users", "enable", "rev", "--database", url]) == (0, "rev is already enabled; nothing changed\n", "")
    assert cli(["users", "set-role", "rev", "reviewer", "--database", url]) == (
        0,
        "rev is already reviewer; nothing changed\n",
        "",
    )
    assert cli(["users", "disable", "rev", "--database", url]) == (0, "rev is disabled\n", "")
    assert cli(["users", "disable", "rev", "--database", url]) == (0, "rev is already disabled; nothing changed\n", "")
    db = Database(url)
    try:
        actions = audit_events(db, operator_actor())["action"].tolist()
    finally:
        db.close()
    assert sorted(actions) == ["user_add", "user_add", "user_disable"]
