"""Apply the Alembic migrations shipped in ``core/store/migrations`` (no ``alembic.ini`` needed).

:func:`upgrade` is called by :func:`core.store.connect.open_database`; it is safe when
several processes start at once: on PostgreSQL an advisory lock serialises them, on
SQLite the write lock of ``BEGIN IMMEDIATE`` does, and the late comer finds the
schema already at head. On SQLite the migrations run with foreign keys off (batch
mode recreates tables) and ``PRAGMA foreign_key_check`` must pass before commit.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from core.errors import ModLensError
from core.store.db import BUSY_TIMEOUT_S, Database

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
_LOCK_KEY = 0x6D6F646C656E73  # "modlens"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations (and ``connection``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration's revision id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(database: Database) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def known_revisions() -> set[str]:
    """The revision ids of the packaged migrations."""
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema to ``revision`` in one transaction; nothing to do when it is there already.

    Raises
    ------
    ModLensError
        When the database cannot be opened, or its schema is at a revision this ModLens does not
        ship (a database made by a newer version): nothing is changed then.

    """
    try:
        current = current_revision(database)
        if revision == "head" and current == head_revision():
            return
        if current is not None and current not in known_revisions():
            raise ModLensError(
                f"The database {database!r} has schema revision '{current}', which this version of ModLens does "
                "not know (a newer ModLens made it). Upgrade ModLens, or choose another database."
            )
        if database.is_postgresql:
            with database.engine.begin() as connection:
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
                command.upgrade(alembic_config(connection), revision)
        else:
            _upgrade_sqlite(database.url, revision)
    except DBAPIError as exc:
        raise ModLensError(
            f"Cannot open the database {database!r}: {_first_line(exc.orig)}. "
            "Check the URL (--database or $MODLENS_DATABASE_URL) and that the server is running."
        ) from exc


def _upgrade_sqlite(url: str, revision: str) -> None:
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise ModLensError(f"The migration left {len(broken)} broken references; nothing was changed.")
    finally:
        engine.dispose()


def _first_line(exc: BaseException | None) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
