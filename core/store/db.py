"""Connecting to the database: URL resolution, engine settings, read and write transactions.

Default: the SQLite file ``$MODLENS_HOME/modlens.db`` (``~/.modlens/modlens.db``) in
WAL mode with foreign keys on and a 30 s busy timeout; ``$MODLENS_DATABASE_URL`` (or
an explicit URL) selects PostgreSQL through psycopg 3. The schema is brought to the
latest migration the first time a process opens a database (:func:`open_database`).

Write transactions on SQLite start with ``BEGIN IMMEDIATE``: the write lock is taken
before anything is read, so a read-then-update (claiming the next post) can never
interleave with another writer. On PostgreSQL the services lock rows with
``SELECT ... FOR UPDATE [SKIP LOCKED]`` instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session

from core.errors import DatabaseBusyError, ModLensError

DATABASE_ENV = "MODLENS_DATABASE_URL"
HOME_ENV = "MODLENS_HOME"
DB_FILE = "modlens.db"
log = logging.getLogger("modlens.store")
BUSY_TIMEOUT_S = 30
_WRITE = "modlens_write"


def modlens_home() -> Path:
    """``$MODLENS_HOME``, or ``~/.modlens``."""
    home = os.environ.get(HOME_ENV)
    return Path(home) if home else Path.home() / ".modlens"


def default_url() -> str:
    """``$MODLENS_DATABASE_URL``, else the SQLite file in :func:`modlens_home`."""
    return os.environ.get(DATABASE_ENV) or f"sqlite:///{modlens_home() / DB_FILE}"


def resolve_url(url: str | None = None) -> str:
    """A full SQLAlchemy URL from ``url`` (a URL or a path to an SQLite file), the environment or the default.

    ``postgresql://`` and ``postgres://`` become ``postgresql+psycopg://`` (psycopg 3).
    """
    given = text = (url or default_url()).strip()
    if "://" not in text:
        text = f"sqlite:///{Path(text).expanduser().resolve()}"
    for prefix in ("postgres://", "postgresql://"):
        if text.startswith(prefix):
            text = "postgresql+psycopg://" + text[len(prefix) :]
    try:
        parsed = make_url(text)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number, an unclosed [IPv6]
        raise ModLensError(
            f"'{_hide_password(given)}' is not a database URL. Use sqlite:///PATH or postgresql://USER@HOST/DB."
        ) from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ModLensError(
            f"Database '{parsed.get_backend_name()}' is not supported. Use sqlite:///PATH or postgresql://USER@HOST/DB."
        )
    return text


def _hide_password(url: str) -> str:
    """``url`` with the password between ``USER:`` and ``@`` replaced by ``***`` (for error messages)."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def _sqlite_engine(url: str) -> Engine:
    parsed = make_url(url)
    database = parsed.database or ""
    if database in ("", ":memory:"):
        raise ModLensError("An in-memory SQLite database cannot be shared; give a file path (sqlite:///PATH).")
    path = Path(database)
    if url == f"sqlite:///{modlens_home() / DB_FILE}":
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise ModLensError(f"Folder '{path.parent}' does not exist. Create it or choose another database path.")
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


BUSY_MESSAGE = (
    "The database stayed busy with other people's changes for more than "
    f"{BUSY_TIMEOUT_S} s; nothing of this change was saved. Try again in a moment; if this keeps happening, "
    "use PostgreSQL for a busy team (MODLENS_DATABASE_URL)."
)


CONFLICT_MESSAGE = (
    "The database was busy with other people's changes to the same rows at the same moment; nothing of this "
    "change was saved. Try again."
)
CONFLICT_SQLSTATES = frozenset({"40P01", "40001"})
"""PostgreSQL's deadlock_detected and serialization_failure: the transaction was rolled back, a retry succeeds."""


def _locked(exc: OperationalError) -> bool:
    """True for SQLite's 'database is locked' / 'busy' (another writer held the lock too long)."""
    text = str(exc.orig if exc.orig is not None else exc).lower()
    return "locked" in text or "busy" in text


def _conflict(exc: DBAPIError) -> bool:
    """True for PostgreSQL's deadlock (40P01) and serialization failure (40001)."""
    return getattr(exc.orig, "sqlstate", None) in CONFLICT_SQLSTATES


def make_engine(url: str) -> Engine:
    """An engine with ModLens' settings for the database at ``url`` (already resolved)."""
    try:
        if url.startswith("sqlite"):
            return _sqlite_engine(url)
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    except ModuleNotFoundError as exc:  # e.g. postgresql+psycopg2:// (psycopg 3 is the pinned requirement)
        raise ModLensError("PostgreSQL needs psycopg 3: use postgresql://USER@HOST/DB.") from exc
    except NoSuchModuleError as exc:  # an unknown driver: postgresql+nosuch://
        raise ModLensError(
            f"Unknown database driver in '{_hide_password(url)}'. Use sqlite:///PATH or postgresql://USER@HOST/DB."
        ) from exc


class Database:
    """A database with ModLens' schema: sessions for reading and for writing.

    Parameters
    ----------
    url
        A SQLAlchemy URL or an SQLite file path; None for :func:`default_url`.

    """

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_url(url)
        self.engine = make_engine(self.url)
        self._write_engine = self.engine.execution_options(**{_WRITE: True})
        self._write_lock = threading.Lock() if self.dialect == "sqlite" else contextlib.nullcontext()

    @property
    def dialect(self) -> str:
        """``'sqlite'`` or ``'postgresql'``."""
        return self.engine.dialect.name

    @property
    def is_postgresql(self) -> bool:
        """Whether row locks (``FOR UPDATE SKIP LOCKED``) are available."""
        return self.dialect == "postgresql"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; closed (its transaction rolled back) at the end, objects stay readable."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose changes are committed together at the end, or not at all on an error.

        On SQLite the threads of one process take turns (a lock) instead of polling the file
        lock, whose back-off sleeps would add up to seconds under load; other processes still
        wait through the busy timeout.

        Raises
        ------
        DatabaseBusyError
            SQLite stayed locked past the busy timeout, or PostgreSQL rolled the transaction back
            for a deadlock or a serialization failure (SQLSTATE 40P01 / 40001): nothing was saved.

        """
        with self._write_lock, Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except DBAPIError as exc:
                session.rollback()
                if _conflict(exc):
                    raise DatabaseBusyError(CONFLICT_MESSAGE) from exc
                if isinstance(exc, OperationalError) and _locked(exc):
                    raise DatabaseBusyError(BUSY_MESSAGE) from exc
                raise
            except BaseException:
                session.rollback()
                raise

    def refresh_statistics(self) -> None:
        """Update the query planner's statistics after a bulk load (``ANALYZE`` / ``PRAGMA optimize``).

        Without them PostgreSQL plans the next claim of a freshly loaded queue as if the
        table were empty (a sort of every pending post instead of an index walk).
        """
        statement = "ANALYZE items" if self.is_postgresql else "PRAGMA optimize"
        try:  # PRAGMA optimize may write: on SQLite it takes the writers' turn like any write
            with self._write_lock, self._write_engine.connect() as connection:
                connection.exec_driver_sql(statement)
                connection.commit()
        except OperationalError as exc:  # only planner statistics: what was saved is committed already
            if not _locked(exc):
                raise
            log.warning("Planner statistics not refreshed (the database is busy); they are refreshed next time.")

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({make_url(self.url).render_as_string(hide_password=True)!r})"
