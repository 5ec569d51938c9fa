from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from core.errors import DatabaseBusyError, ModLensError
from core.store import db as db_module
from core.store.connect import close_databases, open_database
from core.store.db import Database, default_url, resolve_url


def test_default_is_a_sqlite_file_in_modlens_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODLENS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MODLENS_DATABASE_URL", raising=False)
    assert default_url() == f"sqlite:///{tmp_path / 'home' / 'modlens.db'}"
    database = open_database()
    try:
        assert (tmp_path / "home" / "modlens.db").exists()
        assert open_database() is database  # one per URL and process
    finally:
        close_databases()


def test_environment_selects_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODLENS_DATABASE_URL", "postgresql://mod@db.example/modlens")
    assert resolve_url() == "postgresql+psycopg://mod@db.example/modlens"
    assert resolve_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert resolve_url("/tmp/x.db") == "sqlite:////tmp/x.db"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/d", "Database 'mysql' is not supported"),
        ("sqlite://", "in-memory SQLite database cannot be shared"),
        ("sqlite:////no/such/folder/x.db", "Folder '/no/such/folder' does not exist"),
    ],
)
def test_bad_urls_are_explained(url: str, message: str) -> None:
    with pytest.raises(ModLensError, match=message):
        Database(url)


def test_unreachable_postgresql_is_one_helpful_error() -> None:
    with pytest.raises(ModLensError, match=r"Cannot open the database .*Check the URL"):
        open_database("postgresql://nobody@127.0.0.1:9/none?connect_timeout=2")


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    database = open_database(str(tmp_path / "m.db"))
    try:
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    finally:
        close_databases()


def test_a_failed_write_changes_nothing(db) -> None:
    from sqlalchemy import func, select

    from core.store.schema import User, utcnow

    with pytest.raises(RuntimeError), db.write() as session:
        session.add(User(name="x", role="admin", active=True, created_at=utcnow()))
        session.flush()
        raise RuntimeError("boom")
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def _locked_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Database, sqlite3.Connection]:
    """A database (1 s busy timeout) whose write lock another connection holds."""
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_S", 1)
    path = tmp_path / "busy.db"
    database = Database(str(path))
    with database.write() as session:
        session.execute(text("CREATE TABLE t (x INTEGER)"))
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer, holding the lock
    other.execute("INSERT INTO t VALUES (1)")
    return database, other


def test_a_database_locked_past_the_busy_timeout_is_one_actionable_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database, other = _locked_database(tmp_path, monkeypatch)
    try:
        with (
            pytest.raises(DatabaseBusyError, match=r"nothing of this change was saved\. Try again"),
            database.write() as session,
        ):
            session.execute(text("INSERT INTO t VALUES (2)"))
    finally:
        other.rollback()
        other.close()
    with database.read() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
    database.close()


def test_planner_statistics_are_skipped_not_failed_while_the_database_is_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    database, other = _locked_database(tmp_path, monkeypatch)
    try:
        database.refresh_statistics()  # after a committed save: an optimisation, never the save's failure
    finally:
        other.rollback()
        other.close()
    assert "Planner statistics not refreshed" in caplog.text
    database.close()
