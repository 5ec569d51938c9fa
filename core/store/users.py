"""Accounts: sign-in, the demo-mode switch, OIDC look-up and user administration (admins only).

Users are never deleted (disabled instead), so every decision and audit event keeps a
valid author. Sign-ins, failed sign-ins and every change are audit events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import ModLensError
from core.store.access import any_users, authorize, current_actor
from core.store.audit import add_event
from core.store.db import Database
from core.store.passwords import dummy_hash, hash_password, needs_rehash, verify_password
from core.store.roles import Actor, ActorKind, Permission, Role, demo_actor
from core.store.schema import User, utcnow

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


@dataclass(frozen=True)
class UserInfo:
    """An account as the Admin page lists it (never the password hash)."""

    name: str
    role: Role
    active: bool
    created_at: datetime
    has_password: bool


def _info(user: User) -> UserInfo:
    return UserInfo(
        name=user.name,
        role=Role(user.role),
        active=user.active,
        created_at=user.created_at,
        has_password=bool(user.password_hash),
    )


def parse_role(value: str) -> Role:
    """``'reviewer'`` -> ``Role.REVIEWER``, with a helpful error."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise ModLensError(f"Unknown role '{value}'. Roles are: {', '.join(r.value for r in Role)}.") from None


def check_name(name: str) -> str:
    """A valid user name (letters, digits, ``. _ @ -``; up to 64 characters)."""
    if not NAME_PATTERN.match(name or ""):
        raise ModLensError(
            f"'{name}' is not a valid user name: use up to 64 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit."
        )
    return name


def has_users(db: Database) -> bool:
    """Whether any account exists; without one the dashboard runs as :func:`demo_actor` (demo mode)."""
    with db.read() as session:
        return any_users(session)


def session_actor(db: Database) -> Actor | None:
    """The demo admin while there are no accounts, else None (the user must sign in)."""
    return None if has_users(db) else demo_actor()


def authenticate(db: Database, name: str, password: str) -> Actor:
    """Sign in with a local password; records ``login`` or ``login_failed``.

    Raises
    ------
    ModLensError
        The same message for an unknown name, a wrong password or a disabled account.

    """
    with db.write() as session:
        user = session.scalar(select(User).where(User.name == name))
        ok = verify_password(user.password_hash if user else dummy_hash(), password) and user is not None
        if not ok or user is None or not user.active:
            add_event(session, "anonymous", "login_failed", "user", name[:64] or None)
            failed = True
        else:
            if needs_rehash(user.password_hash or ""):
                user.password_hash = hash_password(password)
            add_event(session, user.name, "login", "user", user.name, after={"method": "password"})
            failed = False
            actor = Actor(name=user.name, role=Role(user.role))
    if failed:
        raise ModLensError("Wrong user name or password, or the account is disabled. Try again or ask an admin.")
    return actor


def login_actor(db: Database, name: str, *, method: str = "oidc") -> Actor | None:
    """The actor for a user signed in elsewhere (``st.login``/OIDC): roles still come from the users table.

    Returns None when no active account has this name (the page then says to ask an
    admin for an account); records a ``login`` event otherwise.
    """
    with db.write() as session:
        user = session.scalar(select(User).where(User.name == name, User.active.is_(True)))
        if user is None:
            return None
        add_event(session, user.name, "login", "user", user.name, after={"method": method})
        return Actor(name=user.name, role=Role(user.role))


def user_actor(db: Database, name: str) -> Actor:
    """The actor of an active account, without a sign-in (the command line's ``--as USER``)."""
    with db.read() as session:
        user = session.scalar(select(User).where(User.name == name))
    if user is None or not user.active:
        state = "does not exist" if user is None else "is disabled"
        raise ModLensError(f"User '{name}' {state}. List the users with: python -m core users list.")
    return Actor(name=user.name, role=Role(user.role))


def list_users(db: Database, actor: Actor) -> list[UserInfo]:
    """Every account, by name (admins only)."""
    with db.read() as session:
        authorize(session, actor, Permission.MANAGE_USERS)
        return [_info(u) for u in session.scalars(select(User).order_by(User.name))]


def add_user(db: Database, actor: Actor, name: str, role: Role | str, password: str | None) -> UserInfo:
    """Create an account (admins only; anyone while no account exists, to create the first admin).

    ``password`` may be None for an account that signs in through OIDC only. The first
    account must be an admin, so that someone can manage the others.
    """
    role = parse_role(role) if isinstance(role, str) else role
    check_name(name)
    hashed = hash_password(password) if password is not None else None
    with db.write() as session:
        first = not any_users(session)
        if first and role is not Role.ADMIN:
            raise ModLensError("The first account must be an admin: add it with --role admin.")
        if not first or actor.kind is not ActorKind.DEMO:
            authorize(session, actor, Permission.MANAGE_USERS)
        if session.scalar(select(func.count()).select_from(User).where(User.name == name)):
            raise ModLensError(f"User '{name}' already exists. Choose another name, or change that user's role.")
        user = User(name=name, role=role.value, active=True, password_hash=hashed, created_at=utcnow())
        session.add(user)
        session.flush()
        add_event(session, actor, "user_add", "user", name, after={"role": role.value, "active": True})
        return _info(user)


def set_role(db: Database, actor: Actor, name: str, role: Role | str) -> UserInfo:
    """Change a user's role (admins only); the last active admin cannot be demoted."""
    role = parse_role(role) if isinstance(role, str) else role
    with db.write() as session:
        authorize(session, actor, Permission.MANAGE_USERS)
        user = _get(session, name)
        if user.role == Role.ADMIN.value and role is not Role.ADMIN and user.active:
            _keep_an_admin(session, name)
        before = user.role
        user.role = role.value
        add_event(session, actor, "user_set_role", "user", name, before={"role": before}, after={"role": role.value})
        return _info(user)


def set_active(db: Database, actor: Actor, name: str, active: bool) -> UserInfo:
    """Disable or re-enable an account (admins only); the last active admin cannot be disabled."""
    with db.write() as session:
        authorize(session, actor, Permission.MANAGE_USERS)
        user = _get(session, name)
        if not active and user.active and user.role == Role.ADMIN.value:
            _keep_an_admin(session, name)
        before = user.active
        user.active = active
        action = "user_enable" if active else "user_disable"
        add_event(session, actor, action, "user", name, before={"active": before}, after={"active": active})
        return _info(user)


def set_password(db: Database, actor: Actor, name: str, password: str) -> None:
    """Set a password: admins for anyone, every user for themselves."""
    hashed = hash_password(password)
    with db.write() as session:
        if actor.name == name and actor.kind is ActorKind.USER:
            current_actor(session, actor)
        else:
            authorize(session, actor, Permission.MANAGE_USERS)
        user = _get(session, name)
        user.password_hash = hashed
        add_event(session, actor, "user_set_password", "user", name)


def _get(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise ModLensError(f"User '{name}' does not exist. List the users with: python -m core users list.")
    return user


def _keep_an_admin(session: Session, name: str) -> None:
    """Raise unless an active admin other than ``name`` remains.

    The active admins' rows are locked (``FOR UPDATE``; SQLite's write transaction is
    already exclusive), so two admins demoting each other at the same moment on
    PostgreSQL take turns and the second sees the first's change, instead of both
    counting one other admin and leaving none.
    """
    admins = session.scalars(
        select(User.name)
        .where(User.role == Role.ADMIN.value, User.active.is_(True))
        .order_by(User.name)
        .with_for_update()
    ).all()
    others = [admin for admin in admins if admin != name]
    if not others:
        raise ModLensError(f"'{name}' is the last active admin. Make another user an admin first.")
