"""Roles, permissions and the acting principal (:class:`Actor`) passed to every service.

The services never trust a page for access control: each takes an ``Actor`` and
checks the permission itself (see :func:`core.store.access.authorize`, which also
re-reads the role from the users table, so a role change or a disabled account
takes effect at once). This module is pure: no database, no Streamlit.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from enum import StrEnum

from core.errors import PermissionDenied

__all__ = [
    "DEMO_NAME",
    "Actor",
    "ActorKind",
    "Permission",
    "Role",
    "demo_actor",
    "operator_actor",
    "permissions_of",
    "require",
]


class Role(StrEnum):
    """What a user may do: analysts < reviewers < admins."""

    ANALYST = "analyst"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Permission(StrEnum):
    """One kind of action; the value reads as a phrase in error messages."""

    SCORE = "scoring posts"
    EXPLAIN = "explaining scores"
    BIAS = "running bias reports"
    SAVE_BATCH = "saving batches"
    READ_BATCHES = "opening saved batches"
    CREATE_QUEUE = "sending posts to review"
    READ_REVIEW = "reading review progress and exports"
    REVIEW = "claiming and deciding posts"
    MANAGE_USERS = "managing users"
    MANAGE_MODELS = "training, activating and deleting models and changing thresholds"
    MANAGE_REASONS = "changing the reason codes"
    READ_AUDIT = "reading the audit log"


_ANALYST = frozenset(
    {
        Permission.SCORE,
        Permission.EXPLAIN,
        Permission.BIAS,
        Permission.SAVE_BATCH,
        Permission.READ_BATCHES,
        Permission.CREATE_QUEUE,
        Permission.READ_REVIEW,
    }
)
_REVIEWER = _ANALYST | {Permission.REVIEW}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ANALYST: _ANALYST,
    Role.REVIEWER: frozenset(_REVIEWER),
    Role.ADMIN: frozenset(Permission),
}


def permissions_of(role: Role) -> frozenset[Permission]:
    """Everything ``role`` may do."""
    return ROLE_PERMISSIONS[role]


def roles_with(permission: Permission) -> list[Role]:
    """The roles that may do ``permission``, lowest first."""
    return [role for role in Role if permission in ROLE_PERMISSIONS[role]]


class ActorKind(StrEnum):
    """Where an actor comes from."""

    USER = "user"
    """A row of the users table (password or OIDC login)."""
    DEMO = "demo"
    """The local admin of a fresh checkout; valid only while no user exists."""
    OPERATOR = "operator"
    """Whoever runs ``python -m core users ...`` on the server (trusted like the database file)."""


DEMO_NAME = "local-admin"


@dataclass(frozen=True)
class Actor:
    """Who performs an action: a name (recorded in decisions and the audit log) and a role.

    Build it with :func:`core.store.users.authenticate`, :func:`core.store.users.login_actor`
    (OIDC), :func:`demo_actor` or, on the command line, :func:`operator_actor`; never from
    user input directly. The services re-check ``role`` against the users table.
    """

    name: str
    role: Role
    kind: ActorKind = ActorKind.USER

    def can(self, permission: Permission) -> bool:
        """Whether this actor's role allows ``permission`` (no database check)."""
        return permission in ROLE_PERMISSIONS[self.role]

    @property
    def is_demo(self) -> bool:
        """True for the local admin of demo mode (the dashboard shows a banner)."""
        return self.kind is ActorKind.DEMO


def demo_actor() -> Actor:
    """The local admin the dashboard runs as while no accounts exist (demo mode)."""
    return Actor(name=DEMO_NAME, role=Role.ADMIN, kind=ActorKind.DEMO)


def operator_actor() -> Actor:
    """The person running the command line on the server (``cli:<os user>``), for user administration."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        who = "unknown"
    return Actor(name=f"cli:{who}", role=Role.ADMIN, kind=ActorKind.OPERATOR)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def require(actor: Actor, permission: Permission) -> None:
    """Raise :class:`~core.errors.PermissionDenied` unless ``actor``'s role allows ``permission``."""
    if actor.can(permission):
        return
    allowed = " or ".join(role.value for role in roles_with(permission))
    raise PermissionDenied(
        f"{actor.name} is {_article(actor.role.value)} {actor.role.value}; {permission.value} needs the {allowed} "
        "role. Ask an admin to change your role (python -m core users set-role NAME ROLE)."
    )
