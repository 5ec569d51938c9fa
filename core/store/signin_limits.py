"""Limits on password guessing: a name is refused for a while after too many failed sign-ins.

The count comes from the audit trail (``login_failed`` events of the name), so it holds
across server processes and restarts. It is per name: a Streamlit server cannot
reliably tell its clients apart.
"""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.errors import SignInLocked
from core.store.audit import add_event
from core.store.schema import AuditEvent, utcnow

FAILURE_LIMIT = 5
"""Failed sign-ins in a row for one name before that name is refused for a while."""
FIRST_LOCK = timedelta(minutes=1)
"""How long the name is refused after :data:`FAILURE_LIMIT` failures; doubled by each further failure."""
LONGEST_LOCK = timedelta(hours=1)
"""The longest a name is refused at a time."""
FAILURE_MEMORY = timedelta(hours=24)
"""Failed sign-ins older than this no longer count."""


def failure_lock(failures: int) -> timedelta:
    """How long a name is refused after ``failures`` failed sign-ins in a row (none below :data:`FAILURE_LIMIT`)."""
    if failures < FAILURE_LIMIT:
        return timedelta(0)
    return min(FIRST_LOCK * 2 ** min(failures - FAILURE_LIMIT, 16), LONGEST_LOCK)


def locked_for(session: Session, name: str) -> timedelta:
    """How much longer ``name`` is refused (zero when it is not), from the audit trail.

    Counts the failed sign-ins of ``name`` of the last :data:`FAILURE_MEMORY`, since its last
    sign-in or password change (refused attempts, recorded with a reason, do not count).
    """
    now = utcnow()
    reset = session.scalar(
        select(func.max(AuditEvent.id)).where(
            AuditEvent.entity_type == "user",
            AuditEvent.entity_id == name,
            AuditEvent.action.in_(("login", "user_set_password")),
            AuditEvent.at >= now - FAILURE_MEMORY,
        )
    )
    row = session.execute(
        select(func.count(), func.max(AuditEvent.at)).where(
            AuditEvent.entity_type == "user",
            AuditEvent.entity_id == name,
            AuditEvent.action == "login_failed",
            AuditEvent.after.is_(None),
            AuditEvent.at >= now - FAILURE_MEMORY,
            AuditEvent.id > (reset or 0),
        )
    ).one()
    failures, last = int(row[0]), row[1]
    if last is None:
        return timedelta(0)
    return max(last + failure_lock(failures) - now, timedelta(0))


def refuse_if_locked(session: Session, name: str, actor: str, shown: str | None = None) -> SignInLocked | None:
    """The error for a locked ``name`` (the refusal recorded as ``login_failed``, reason ``locked``), else None.

    ``shown`` is the name as the person typed it, for the message (default ``name``): the
    stored spelling of another case would tell a stranger that the account exists.
    """
    wait = locked_for(session, name)
    if wait <= timedelta(0):
        return None
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    add_event(session, actor, "login_failed", "user", name, after={"reason": "locked"})
    return SignInLocked(
        f"Too many failed sign-ins for {shown or name}; try again in {minutes} minute{'s' if minutes != 1 else ''} "
        "(or ask an admin to reset the password)."
    )


def serialize_attempts(session: Session, name: str) -> None:
    """On PostgreSQL, attempts on one name take turns (so parallel guesses all see the failures before them).

    SQLite's write transactions (``BEGIN IMMEDIATE``) take turns already.
    """
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"modlens.sign-in:{name}"})


def safe_name(name: str) -> str:
    """``name`` as the audit trail can store it: NUL and unencodable characters replaced, at most 64 characters."""
    cleaned = name.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")
    return cleaned[:64]
