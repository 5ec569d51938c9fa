"""PostgreSQL deadlocks and serialization failures become the "database is busy, try again" error."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text

from core.errors import DatabaseBusyError
from core.store.db import CONFLICT_MESSAGE
from core.store.schema import User


def _postgresql_only(db) -> None:
    if not db.is_postgresql:
        pytest.skip("deadlocks and serialization failures are PostgreSQL's (SQLite writers take turns)")


def test_a_deadlock_is_the_busy_error(db, team) -> None:
    _postgresql_only(db)
    both_locked = threading.Barrier(2, timeout=30)
    outcomes: dict[str, BaseException | None] = {}
    update = text("UPDATE users SET role = role WHERE name = :name")

    def write(first: str, second: str) -> None:
        try:
            with db.write() as session:
                session.execute(text("SET LOCAL deadlock_timeout = '100ms'"))
                session.execute(update, {"name": first})
                both_locked.wait()
                session.execute(update, {"name": second})
            outcomes[first] = None
        except BaseException as exc:
            outcomes[first] = exc

    threads = [threading.Thread(target=write, args=pair) for pair in (("rev", "rev2"), ("rev2", "rev"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    failed = [exc for exc in outcomes.values() if exc is not None]
    assert len(outcomes) == 2 and len(failed) == 1, outcomes
    assert isinstance(failed[0], DatabaseBusyError) and str(failed[0]) == CONFLICT_MESSAGE
    assert "\n" not in str(failed[0])
    assert getattr(failed[0].__cause__.orig, "sqlstate", None) == "40P01"


def test_a_serialization_failure_is_the_busy_error(db, team) -> None:
    _postgresql_only(db)
    with pytest.raises(DatabaseBusyError, match="Try again") as caught, db.write() as session:
        session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        session.execute(select(User.role).where(User.name == "rev")).all()  # the snapshot is taken
        with db.write() as other:  # another person's change, committed meanwhile
            other.execute(text("UPDATE users SET role = 'analyst' WHERE name = 'rev'"))
        session.execute(text("UPDATE users SET role = 'admin' WHERE name = 'rev'"))
    assert caught.value.__cause__.orig.sqlstate == "40001"
    with db.read() as session:
        assert session.scalar(select(User.role).where(User.name == "rev")) == "analyst"
