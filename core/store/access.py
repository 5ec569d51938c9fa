"""The permission check every service runs first, against the users table.

A role held by an :class:`~core.store.roles.Actor` object is only a claim: for a
user account the role and the active flag are read again from the users table in
the same transaction, so disabling a user or changing a role takes effect at once.
The demo actor is valid only while no account exists.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.errors import PermissionDenied
from core.store.roles import Actor, ActorKind, Permission, Role, require
from core.store.schema import User


def any_users(session: Session) -> bool:
    """Whether at least one account exists (then demo mode is over)."""
    return bool(session.scalar(select(exists().where(User.id.is_not(None)))))


def current_actor(session: Session, actor: Actor) -> Actor:
    """``actor`` with its role as the users table has it now.

    Raises
    ------
    PermissionDenied
        When the account is unknown or disabled, or demo mode has ended.

    """
    if actor.kind is ActorKind.DEMO:
        if any_users(session):
            raise PermissionDenied(
                "Accounts exist now, so the local demo admin is switched off. Sign in with your account."
            )
        current = actor
    elif actor.kind is ActorKind.OPERATOR:
        current = actor
    else:
        user = session.scalar(select(User).where(User.name == actor.name))
        if user is None or not user.active:
            state = "does not exist" if user is None else "is disabled"
            raise PermissionDenied(f"Account '{actor.name}' {state}. Ask an admin to create or enable it.")
        current = Actor(name=user.name, role=Role(user.role), kind=ActorKind.USER)
    return current


def authorize(session: Session, actor: Actor, permission: Permission) -> Actor:
    """Check that ``actor`` may do ``permission`` now; return the actor with its current role.

    Raises
    ------
    PermissionDenied
        When the account is unknown or disabled, demo mode has ended, or the role does not allow it.

    """
    current = current_actor(session, actor)
    require(current, permission)
    return current
