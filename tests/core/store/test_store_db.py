from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ModLensError
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
