"""The audit trail: one insert-only row per state change, and the filtered view of it.

Services call :func:`add_event` inside their own transaction, so a change and its
audit event are committed together or not at all. Code outside the store (the model
registry, the dashboard) calls :func:`record_audit`. Nothing here updates or deletes
events, and database triggers refuse it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.store.access import authorize, current_actor
from core.store.db import Database
from core.store.files import write_frame_atomic
from core.store.roles import Actor, Permission
from core.store.schema import AuditEvent, utcnow
from core.store.text import storable

AUDIT_COLUMNS = ("id", "at", "actor", "action", "entity_type", "entity_id", "before", "after")
MAX_EVENTS = 100_000
"""Most events one query returns (readers are bounded)."""
MAX_ENTITY_ID = 64
"""Longest ``entity_id`` kept (the column's ``String(64)``)."""


def add_event(
    session: Session,
    actor: Actor | str,
    action: str,
    entity_type: str,
    entity_id: object = None,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Add an audit event to ``session``'s transaction (committed with the change it records).

    Text is stored as both databases can hold it (:func:`storable`; ``entity_id`` at most 64
    characters), so an odd file or model name never costs the change its event.
    """
    session.add(
        AuditEvent(
            at=utcnow(),
            actor=storable(actor if isinstance(actor, str) else actor.name),
            action=action,
            entity_type=entity_type,
            entity_id=None if entity_id is None else storable(str(entity_id))[:MAX_ENTITY_ID],
            before=_jsonable(before),
            after=_jsonable(after),
        )
    )


def record_audit(
    db: Database,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: object = None,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    permission: Permission | None = None,
) -> None:
    """Record one event in its own transaction: for changes made outside the database.

    E.g. ``record_audit(db, actor, "model_activate", "model", 3, before={"version": 2},
    after={"version": 3})`` from the model registry, or ``"threshold_change"`` from a page.
    The actor must still be a valid account (or the demo admin while there are no accounts) and,
    when ``permission`` is given, hold it.
    """
    with db.write() as session:
        if permission is None:
            current_actor(session, actor)
        else:
            authorize(session, actor, permission)
        add_event(session, actor, action, entity_type, entity_id, before=before, after=after)


@dataclass(frozen=True)
class AuditFilter:
    """Which events to show; None means any. ``since`` and ``until`` without a time zone are read as UTC.

    ``actor`` matches the acting account's name whatever its case.
    """

    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    action: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    limit: int = 1_000


def audit_events(db: Database, actor: Actor, where: AuditFilter | None = None) -> pd.DataFrame:
    """Events matching ``where``, newest first, as a DataFrame with :data:`AUDIT_COLUMNS` (admins only)."""
    where = where or AuditFilter()
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(max(1, min(where.limit, MAX_EVENTS)))
    if where.actor is not None:  # names are unique whatever their case: 'Boss' finds boss's events
        query = query.where(func.lower(AuditEvent.actor) == where.actor.lower())
    for column, value in (
        (AuditEvent.action, where.action),
        (AuditEvent.entity_type, where.entity_type),
        (AuditEvent.entity_id, where.entity_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.since is not None:
        query = query.where(AuditEvent.at >= _utc(where.since))
    if where.until is not None:
        query = query.where(AuditEvent.at < _utc(where.until))
    with db.read() as session:
        authorize(session, actor, Permission.READ_AUDIT)
        rows = session.scalars(query).all()
    return pd.DataFrame([{c: getattr(e, c) for c in AUDIT_COLUMNS} for e in rows], columns=list(AUDIT_COLUMNS))


def export_audit(db: Database, actor: Actor, path: str | Path, where: AuditFilter | None = None) -> Path:
    """Write the filtered events to CSV (formula-escaped, before/after as JSON) or Parquet by suffix."""
    frame = audit_events(db, actor, where)
    for column in ("before", "after"):
        frame[column] = frame[column].map(lambda v: None if v is None else _json(v))
    return write_frame_atomic(frame, path)


def _utc(value: datetime) -> datetime:
    """``value`` as an aware datetime (naive ones are UTC, as the events' times are recorded)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _jsonable(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A plain JSON object (dates and numpy numbers become strings or numbers)."""
    if value is None:
        return None
    return _clean(json.loads(json.dumps(dict(value), default=_plain)))


def _clean(value: Any) -> Any:
    """``value`` (parsed JSON) with every text made :func:`storable`, keys too."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)
