"""The Admin page's work without widgets: accounts, reason codes and the audit log, as the session's actor.

The store checks the admin role again in every call and records each change in the audit log.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pandas as pd

from core.errors import ModLensError
from core.store import audit, reasons, users
from core.store.audit import AuditFilter
from core.store.reasons import Reason
from core.store.roles import Permission, Role
from core.store.users import UserInfo
from ui.services import auth

AUDIT_ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "batch_save",
    "threshold_change",
    "queue_create",
    "decision",
    "bulk_decision",
    "model_train",
    "model_train_cancel",
    "model_copy",
    "model_activate",
    "model_delete",
    "user_add",
    "user_set_role",
    "user_enable",
    "user_disable",
    "user_set_password",
    "reason_add",
    "reason_set_active",
    "personal_data_reveal",
)
"""Actions the audit log records (the filter's choices)."""
ENTITY_TYPES = ("batch", "queue", "item", "model", "user", "reason_code", "upload")


def list_users() -> list[UserInfo]:
    """Every account, by name."""
    return users.list_users(auth.database(), auth.require(Permission.MANAGE_USERS))


def users_table(accounts: list[UserInfo]) -> pd.DataFrame:
    """The accounts as a table (never a password hash)."""
    return pd.DataFrame(
        {
            "name": [u.name for u in accounts],
            "role": [u.role.value for u in accounts],
            "active": [u.active for u in accounts],
            "password": [u.has_password for u in accounts],
            "created": [u.created_at for u in accounts],
        }
    )


def oidc_configured() -> bool:
    """Whether an OIDC provider is configured (``[auth]`` secrets), so that accounts without a password can sign in."""
    return bool(auth.oidc_providers())


def first_admin_needs_password() -> bool:
    """Whether the first admin account must have a password: no OIDC provider is configured to sign it in."""
    return not oidc_configured()


def add_user(name: str, role: Role, password: str | None) -> UserInfo:
    """Create an account (in demo mode: the first admin, which ends demo mode).

    Raises
    ------
    ModLensError
        When the session may not manage accounts, the name or role is refused by the store, or
        (in demo mode) the first admin has no password while no OIDC provider could sign it in:
        demo mode would end with nobody able to sign in.

    """
    actor = auth.current()
    if actor is None:
        auth.require(Permission.MANAGE_USERS)  # raises the sign-in message
    assert actor is not None
    if auth.is_demo(actor) and password is None and first_admin_needs_password():
        raise ModLensError(
            "The first admin account needs a password: no OIDC provider is configured, "
            "so an account without one could not sign in and nobody could manage ModLens."
        )
    return users.add_user(auth.database(), actor, name.strip(), role, password)


def set_role(name: str, role: Role) -> UserInfo:
    """Change an account's role (the last active admin stays an admin)."""
    return users.set_role(auth.database(), auth.require(Permission.MANAGE_USERS), name, role)


def set_active(name: str, active: bool) -> UserInfo:
    """Disable or re-enable an account (the last active admin stays enabled)."""
    return users.set_active(auth.database(), auth.require(Permission.MANAGE_USERS), name, active)


def is_own_account(name: str) -> bool:
    """Whether ``name`` is the signed-in account (names are unique whatever their case).

    Demoting or disabling it takes the Admin page away from the person doing it, so the
    page asks them to confirm first.
    """
    actor = auth.current()
    return actor is not None and actor.name.casefold() == name.casefold()


def set_password(name: str, password: str) -> None:
    """Reset an account's password."""
    users.set_password(auth.database(), auth.require(Permission.MANAGE_USERS), name, password)


def all_reasons() -> list[Reason]:
    """Every reason code, retired ones too."""
    return reasons.list_reasons(auth.database(), include_inactive=True)


def add_reason(code: str, label: str, actions: list[str]) -> Reason:
    """A new reason code for ``actions``."""
    return reasons.add_reason(auth.database(), auth.require(Permission.MANAGE_REASONS), code.strip(), label, actions)


def set_reason_active(code: str, active: bool) -> Reason:
    """Retire or restore a reason code (used codes stay in the decisions)."""
    return reasons.set_reason_active(auth.database(), auth.require(Permission.MANAGE_REASONS), code, active)


def events(where: AuditFilter) -> pd.DataFrame:
    """Audit events matching ``where``, newest first."""
    return audit.audit_events(auth.database(), auth.require(Permission.READ_AUDIT), where)


def events_export(where: AuditFilter, suffix: str) -> Callable[[], bytes]:
    """A function that makes the filtered events' file, as the session's actor checked now.

    For a download button's ``data``: Streamlit calls it when the button is clicked, outside the
    script run, where the session (who is signed in) cannot be read. So the actor is taken here,
    during the run; the store checks that account against the users table again when it is called.
    The file is CSV (formula-escaped, before/after as JSON) or Parquet, by ``suffix``.

    Raises
    ------
    PermissionDenied
        When nobody is signed in or the actor may not read the audit log.

    """
    db = auth.database()
    actor = auth.require(Permission.READ_AUDIT)

    def export() -> bytes:
        with tempfile.TemporaryDirectory(prefix="modlens-audit-") as folder:
            path = audit.export_audit(db, actor, Path(folder) / f"audit{suffix}", where)
            return path.read_bytes()

    return export


def export_events(where: AuditFilter, suffix: str) -> bytes:
    """The filtered events as CSV (formula-escaped, before/after as JSON) or Parquet bytes, made now."""
    return events_export(where, suffix)()


def today_utc() -> date:
    """Today's date in UTC: the day :func:`day_range` ends the log's days on (whatever the server's time zone)."""
    return datetime.now(UTC).date()


def day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """Midnight (UTC) of ``first`` to midnight after ``last``: the filter's days, both included."""
    start = datetime.combine(first, time(), tzinfo=UTC)
    end = datetime.combine(last, time(), tzinfo=UTC) + timedelta(days=1)
    return start, end
