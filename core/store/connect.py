"""Open databases once per URL and process, migrated to the latest schema on first use."""

from __future__ import annotations

import threading

from core.store.db import Database, resolve_url
from core.store.migrate import upgrade

_OPEN: dict[str, Database] = {}
_OPEN_LOCK = threading.Lock()


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """The database at ``url`` (default: :func:`default_url`), migrated to the latest schema.

    One :class:`Database` per URL and process; the migrations run on the first call.
    """
    resolved = resolve_url(url)
    with _OPEN_LOCK:
        database = _OPEN.get(resolved)
        if database is None:
            database = Database(resolved)
            if migrate:
                try:
                    upgrade(database)
                except BaseException:
                    database.close()
                    raise
            _OPEN[resolved] = database
        return database


def close_databases() -> None:
    """Forget and close every database opened by :func:`open_database` (tests, shutdown)."""
    with _OPEN_LOCK:
        for database in _OPEN.values():
            database.close()
        _OPEN.clear()
