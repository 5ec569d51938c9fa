from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.store.db import Database
from core.store.migrate import MIGRATIONS_DIR, current_revision, head_revision, upgrade
from tests.postgres import fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        database = Database(str(tmp_path / "empty.db"))
        yield database
        database.close()
        return
    with fresh_database(request.getfixturevalue("pg_cluster")) as url:
        database = Database(url)
        yield database
        database.close()


def test_migrations_ship_inside_the_package() -> None:
    assert MIGRATIONS_DIR.parent.name == "store" and (MIGRATIONS_DIR / "env.py").exists()
    assert head_revision() == "0002"


def test_upgrade_from_empty_matches_the_models(empty_db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from core.store.schema import Base

    assert current_revision(empty_db) is None
    upgrade(empty_db)
    assert current_revision(empty_db) == head_revision()
    with empty_db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    upgrade(empty_db)  # a second run is a no-op
    assert current_revision(empty_db) == head_revision()


def _insert_first_revision_data(database: Database) -> None:
    now = datetime(2026, 1, 2, tzinfo=UTC)
    stamp = now.replace(tzinfo=None) if database.dialect == "sqlite" else now
    with database.engine.begin() as c:
        c.execute(
            text("INSERT INTO users (id, name, role, active, created_at) VALUES (1, 'old', 'reviewer', true, :t)"),
            {"t": stamp},
        )
        c.execute(
            text(
                "INSERT INTO batches (id, file_name, content_hash, created_by, created_at, model_version, thresholds,"
                " labels, row_count, columns, text_col) VALUES (1, 'f.csv', 'h', 'old', :t, 'v1', :th, :lb, 1,"
                " :cols, 'text')"
            ),
            {"t": stamp, "th": json.dumps({"toxic": 0.5}), "lb": json.dumps(["toxic"]), "cols": json.dumps(["text"])},
        )
        c.execute(
            text(
                "INSERT INTO queues (id, name, batch_id, rule, rule_text, reviews_required, created_by, created_at)"
                " VALUES (1, 'q', 1, :r, 'all posts', 1, 'old', :t)"
            ),
            {"t": stamp, "r": json.dumps({"kind": "all"})},
        )
        c.execute(
            text(
                "INSERT INTO items (id, batch_id, queue_id, row_number, external_id, text, scores, status, priority)"
                " VALUES (1, 1, 1, 1, 'x1', 'hello', :s, 'decided', 0.9)"
            ),
            {"s": json.dumps({"toxic": 0.9})},
        )
        for i, reason in enumerate(("harassment", "legacy-code")):
            c.execute(
                text(
                    "INSERT INTO decisions (item_id, reviewer, action, reason, source, decided_at, is_current,"
                    " model_version) VALUES (1, 'old', 'remove', :reason, 'person', :t, :cur, 'v1')"
                ),
                {"reason": reason, "t": stamp, "cur": i == 1},
            )


def test_upgrade_from_the_first_revision_keeps_the_data(empty_db: Database) -> None:
    from core.store.roles import Actor, Role
    from core.store.stats import queue_stats

    upgrade(empty_db, "0001")
    assert current_revision(empty_db) == "0001"
    _insert_first_revision_data(empty_db)
    upgrade(empty_db)
    assert current_revision(empty_db) == head_revision()
    with empty_db.engine.connect() as c:
        reasons = dict(c.execute(text("SELECT code, label FROM reason_codes")).all())
        decisions = c.execute(text("SELECT reason, is_current FROM decisions ORDER BY id")).all()
    assert reasons["harassment"] == "Harassment or insult" and reasons["legacy-code"] == "legacy-code"
    assert [(r, bool(cur)) for r, cur in decisions] == [("harassment", False), ("legacy-code", True)]
    stats = queue_stats(empty_db, Actor("old", Role.REVIEWER), "q")
    assert (stats.total, stats.decided, stats.by_action["remove"]) == (1, 1, 1)


def test_decisions_now_need_a_known_reason_and_stay_append_only(empty_db: Database) -> None:
    upgrade(empty_db, "0001")
    _insert_first_revision_data(empty_db)
    upgrade(empty_db)
    with pytest.raises(DBAPIError), empty_db.engine.begin() as c:  # the foreign key added by batch mode
        c.execute(text("UPDATE decisions SET is_current = false WHERE id = 1"))  # allowed ...
        c.execute(
            text(
                "INSERT INTO decisions (item_id, reviewer, action, reason, source, decided_at, is_current,"
                " model_version) VALUES (1, 'old', 'remove', 'no-such-reason', 'person', CURRENT_TIMESTAMP, true, 'v')"
            )
        )
    # the triggers were rebuilt after batch mode recreated the table
    for statement in ("UPDATE decisions SET action = 'approve'", "DELETE FROM decisions"):
        with pytest.raises(DBAPIError, match="append-only"), empty_db.engine.begin() as c:
            c.execute(text(statement))


def test_audit_events_are_insert_only_in_the_database(empty_db: Database) -> None:
    from core.store.audit import add_event

    upgrade(empty_db)
    with empty_db.write() as session:
        add_event(session, "someone", "login", "user", "someone")
    for statement in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="insert-only"), empty_db.engine.begin() as c:
            c.execute(text(statement))
    if empty_db.is_postgresql:
        with pytest.raises(DBAPIError, match="insert-only"), empty_db.engine.begin() as c:
            c.execute(text("TRUNCATE audit_events"))
    with empty_db.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM audit_events")).scalar() == 1
