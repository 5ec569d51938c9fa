"""Reason codes: the configurable list reviewers choose from (seeded by the migrations, managed by admins)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import ModLensError
from core.store.access import authorize
from core.store.audit import add_event
from core.store.db import Database
from core.store.roles import Actor, Permission
from core.store.schema import ACTIONS, ReasonCode
from core.store.text import storable

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_LABEL = 255
"""Longest reason label (the schema's ``String(255)``)."""


@dataclass(frozen=True)
class Reason:
    """One reason code and the actions it may justify."""

    code: str
    label: str
    actions: tuple[str, ...]
    active: bool


def _reason(row: ReasonCode) -> Reason:
    return Reason(code=row.code, label=row.label, actions=tuple(row.actions), active=row.active)


def list_reasons(db: Database, *, action: str | None = None, include_inactive: bool = False) -> list[Reason]:
    """Reason codes in display order; only those for ``action`` when given."""
    with db.read() as session:
        rows = session.scalars(select(ReasonCode).order_by(ReasonCode.position, ReasonCode.code)).all()
    return [_reason(r) for r in rows if (include_inactive or r.active) and (action is None or action in r.actions)]


def check_reason(session: Session, reason: str | None, action: str) -> None:
    """Raise a helpful error unless ``reason`` is None or an active code for ``action``."""
    if reason is None:
        return
    row = session.get(ReasonCode, reason)
    if row is None or not row.active or action not in row.actions:
        codes = session.scalars(select(ReasonCode).where(ReasonCode.active.is_(True)).order_by(ReasonCode.position))
        fitting = [r.code for r in codes if action in r.actions]
        raise ModLensError(
            f"Reason '{reason}' cannot be given for {action}. Reasons for {action}: {', '.join(fitting)}."
        )


def add_reason(db: Database, actor: Actor, code: str, label: str, actions: Sequence[str]) -> Reason:
    """Add a reason code (admins only); records ``reason_add``."""
    if not CODE_PATTERN.match(code):
        raise ModLensError(f"'{code}' is not a valid reason code: use lower-case letters, digits, '_' or '-'.")
    if len(label.strip()) > MAX_LABEL:
        raise ModLensError(f"A reason's label can be at most {MAX_LABEL} characters. Give a shorter label.")
    unknown = set(actions) - set(ACTIONS)
    if not actions or unknown:
        raise ModLensError(f"Give the actions the reason applies to, among: {', '.join(ACTIONS)}.")
    with db.write() as session:
        authorize(session, actor, Permission.MANAGE_REASONS)
        if session.get(ReasonCode, code) is not None:
            raise ModLensError(f"Reason code '{code}' exists already.")
        position = (session.scalar(select(func.max(ReasonCode.position))) or 0) + 1
        label = storable(label.strip()) or code  # PostgreSQL refuses NUL: kept as U+FFFD
        row = ReasonCode(code=code, label=label, actions=list(actions), active=True, position=position)
        session.add(row)
        add_event(session, actor, "reason_add", "reason_code", code, after={"label": row.label, "actions": row.actions})
        return _reason(row)


def set_reason_active(db: Database, actor: Actor, code: str, active: bool) -> Reason:
    """Retire or restore a reason code (admins only); used codes are never deleted."""
    with db.write() as session:
        authorize(session, actor, Permission.MANAGE_REASONS)
        row = session.get(ReasonCode, code)
        if row is None:
            raise ModLensError(f"Reason code '{code}' does not exist.")
        before = row.active
        row.active = active
        change = {"before": {"active": before}, "after": {"active": active}}
        add_event(session, actor, "reason_set_active", "reason_code", code, **change)
        return _reason(row)
