"""Accounts: sign-in, the demo-mode switch, OIDC look-up and user administration (admins only).

Users are never deleted (disabled instead), so every decision and audit event keeps a
valid author. Sign-ins, failed sign-ins and every change are audit events; a change that
changes nothing (enabling an enabled account, giving the role it has) records none.

Names are unique whatever their case: :func:`add_user` refuses ``Ana`` next to ``ana``.
OIDC sign-ins (:func:`login_actor`) match an e-mail name case-insensitively (local part and
domain: providers do not keep the case people registered with); password sign-ins and
``--as USER`` take the name exactly as written.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.errors import AccountDisabled, ModLensError, SignInLocked  # noqa: F401 (SignInLocked: raised here)
from core.store.access import any_users, authorize, current_actor
from core.store.audit import add_event
from core.store.db import Database
from core.store.passwords import MAX_LENGTH, dummy_hash, hash_password, needs_rehash, verify_password
from core.store.roles import DEMO_NAME, Actor, ActorKind, Permission, Role, demo_actor
from core.store.schema import User, utcnow
from core.store.signin_limits import (  # FAILURE_LIMIT and SignInLocked: part of this module's sign-in API
    FAILURE_LIMIT,  # noqa: F401
    refuse_if_locked,
    safe_name,
    serialize_attempts,
)

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}\Z")
"""Up to 64 letters, digits and ``. _ @ + -``, starting with a letter or digit (e-mail addresses such as
``ana+mod@example.org`` name OIDC accounts)."""

ANONYMOUS = "anonymous"
"""The audit trail's actor of failed sign-ins (nobody is signed in)."""
RESERVED_NAMES = frozenset({DEMO_NAME, ANONYMOUS})
"""Actor names the audit trail gives to no account: an account of that name would pass for them."""


@dataclass(frozen=True)
class UserInfo:
    """An account as the Admin page lists it (never the password hash)."""

    name: str
    role: Role
    active: bool
    created_at: datetime
    has_password: bool
    changed: bool = True
    """False when the change asked for was already so (nothing was changed or audited)."""


def _info(user: User, *, changed: bool = True) -> UserInfo:
    return UserInfo(
        name=user.name,
        role=Role(user.role),
        active=user.active,
        created_at=user.created_at,
        has_password=bool(user.password_hash),
        changed=changed,
    )


def parse_role(value: str) -> Role:
    """``'reviewer'`` -> ``Role.REVIEWER``, with a helpful error."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise ModLensError(f"Unknown role '{value}'. Roles are: {', '.join(r.value for r in Role)}.") from None


def check_name(name: str) -> str:
    """A valid user name (letters, digits, ``. _ @ + -``; up to 64 characters), not one the audit trail reserves."""
    if (name or "").lower() in RESERVED_NAMES:
        raise ModLensError(
            f"'{name}' is reserved: the audit log records the demo admin and failed sign-ins under it. "
            "Choose another name."
        )
    if not NAME_PATTERN.match(name or ""):
        raise ModLensError(
            f"'{name}' is not a valid user name: use up to 64 letters, digits, '.', '_', '@', '+' or '-', "
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


@dataclass(frozen=True)
class Account:
    """An active account as a session holds it: the actor and a stamp of its password.

    ``stamp`` is :func:`password_stamp` of the stored hash, never the hash: a session that
    signed in with a password keeps it and is signed out when it changes (a password reset).
    """

    actor: Actor
    stamp: str


def password_stamp(password_hash: str | None) -> str:
    """A fingerprint of a stored password hash (SHA-256 hex; ``""`` for an account without a password)."""
    return hashlib.sha256(password_hash.encode()).hexdigest() if password_hash else ""


def authenticate(db: Database, name: str, password: str) -> Actor:
    """Sign in with a local password; records ``login`` or ``login_failed`` (see :func:`password_sign_in`)."""
    return password_sign_in(db, name, password).actor


def password_sign_in(db: Database, name: str, password: str) -> Account:
    """Sign in with a local password; records ``login`` or ``login_failed``.

    After :data:`FAILURE_LIMIT` failed sign-ins in a row for a name, that name is refused
    for a while, growing with each further failure (:func:`failure_lock`), before any
    password is checked. The count is per name: a Streamlit server cannot reliably tell
    the clients apart. A sign-in or a password reset of the account starts the count again.
    The name matches its account whatever its case (names are unique whatever their case).

    Raises
    ------
    SignInLocked
        While the name is refused after too many failures (says for how long).
    ModLensError
        The same message for an unknown or invalid name, a wrong password or a disabled account.

    """
    wrong = ModLensError("Wrong user name or password, or the account is disabled. Try again or ask an admin.")
    if not NAME_PATTERN.match(name or "") or len(password) > MAX_LENGTH:
        with db.write() as session:  # no account can have this name: no look-up, no password check
            add_event(session, ANONYMOUS, "login_failed", "user", safe_name(name) or None, after={"reason": "invalid"})
        raise wrong
    account: Account | None = None
    with db.write() as session:
        typed, name = name, _stored_name(session, name)  # "Ana" signs in as "ana"; every spelling, one lock
        serialize_attempts(session, name)
        refusal = refuse_if_locked(session, name, ANONYMOUS, shown=typed)
        if refusal is None:
            user = session.scalar(select(User).where(User.name == name))
            ok = verify_password(user.password_hash if user else dummy_hash(), password) and user is not None
            if not ok or user is None or not user.active:
                add_event(session, ANONYMOUS, "login_failed", "user", name)
            else:
                if needs_rehash(user.password_hash or ""):
                    user.password_hash = hash_password(password)
                add_event(session, user.name, "login", "user", user.name, after={"method": "password"})
                account = Account(Actor(name=user.name, role=Role(user.role)), password_stamp(user.password_hash))
    if refusal is not None:
        raise refusal
    if account is None:
        raise wrong
    return account


def login_actor(db: Database, name: str, *, method: str = "oidc") -> Actor | None:
    """The actor for a user signed in elsewhere (``st.login``/OIDC): roles still come from the users table.

    An e-mail name (one with ``@``) matches its account whatever the case (``Alice@Org.com``
    signs in as ``alice@org.com``): the account of exactly that name first, else the one
    account that differs only in case (the only active one, where older data has several).
    Returns None when no account has this name (the page then says to ask an admin for an
    account); records a ``login`` event otherwise.

    Raises
    ------
    AccountDisabled
        When the account exists but is disabled (the page says to ask an admin to enable it).
    ModLensError
        When several active accounts differ from the name only in case (an admin must disable all but one).

    """
    if not NAME_PATTERN.match(name or ""):
        return None
    with db.write() as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None and "@" in name:
            user = _one_case_insensitive(session, name)
        if user is None:
            return None
        if not user.active:
            raise AccountDisabled(
                f"The account '{user.name}' is disabled. Ask an admin to enable it.", account=user.name
            )
        add_event(session, user.name, "login", "user", user.name, after={"method": method})
        return Actor(name=user.name, role=Role(user.role))


def _stored_name(session: Session, name: str) -> str:
    """The account name as stored for ``name`` typed in any case, else ``name`` itself.

    Names are unique whatever their case, and phones capitalise the first letter typed, so
    a password sign-in as ``Ana`` is one as ``ana``. One query whether or not the name
    exists, so the answer's timing says nothing about it. Where older data holds several
    names differing only in case, only the exact one matches (:func:`_find`).
    """
    user = _find(session, name)
    return user.name if user is not None else name


def _one_case_insensitive(session: Session, name: str) -> User | None:
    """The account whose name equals ``name`` but for case (names are ASCII: ``lower`` suffices)."""
    found = session.scalars(select(User).where(func.lower(User.name) == name.lower()).order_by(User.name)).all()
    active = [u for u in found if u.active]
    if len(active) > 1:
        raise ModLensError(
            f"The accounts {', '.join(u.name for u in active)} differ only in case, so ModLens cannot tell which "
            f"is yours. Ask an admin to disable all but one (python -m core users disable NAME)."
        )
    return active[0] if active else (found[0] if found else None)


def user_actor(db: Database, name: str) -> Actor:
    """The actor of an active account, without a sign-in (the command line's ``--as USER``)."""
    return user_account(db, name).actor


def user_account(db: Database, name: str) -> Account:
    """An active account as the users table has it now: its actor and :func:`password_stamp`.

    Raises
    ------
    ModLensError
        When the account does not exist or is disabled.

    """
    with db.read() as session:
        user = _find(session, name) if NAME_PATTERN.match(name or "") else None
    if user is None or not user.active:
        state = "does not exist" if user is None else "is disabled"
        raise ModLensError(f"User '{name}' {state}. List the users with: python -m core users list.")
    return Account(Actor(name=user.name, role=Role(user.role)), password_stamp(user.password_hash))


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
        _serialize_additions(session)
        first = not any_users(session)
        if first and role is not Role.ADMIN:
            raise ModLensError("The first account must be an admin: add it with --role admin.")
        if not first or actor.kind is not ActorKind.DEMO:
            authorize(session, actor, Permission.MANAGE_USERS)
        same = session.scalar(select(User.name).where(func.lower(User.name) == name.lower()).limit(1))
        if same is not None:
            case = "" if same == name else " (names must differ in more than case)"
            raise ModLensError(f"User '{same}' already exists{case}. Choose another name, or change that user's role.")
        user = User(name=name, role=role.value, active=True, password_hash=hashed, created_at=utcnow())
        session.add(user)
        session.flush()
        add_event(session, actor, "user_add", "user", name, after={"role": role.value, "active": True})
        return _info(user)


def set_role(db: Database, actor: Actor, name: str, role: Role | str) -> UserInfo:
    """Change a user's role (admins only); the last active admin cannot be demoted.

    Giving the role the user has changes and records nothing (``changed`` is False).
    """
    role = parse_role(role) if isinstance(role, str) else role
    with db.write() as session:
        authorize(session, actor, Permission.MANAGE_USERS)
        user = _get(session, name)
        if user.role == role.value:
            return _info(user, changed=False)
        if user.role == Role.ADMIN.value and role is not Role.ADMIN and user.active:
            _keep_an_admin(session, user.name)
        before = user.role
        user.role = role.value
        add_event(
            session, actor, "user_set_role", "user", user.name, before={"role": before}, after={"role": role.value}
        )
        return _info(user)


def set_active(db: Database, actor: Actor, name: str, active: bool) -> UserInfo:
    """Disable or re-enable an account (admins only); the last active admin cannot be disabled.

    Disabling a disabled account or enabling an enabled one changes and records nothing
    (``changed`` is False).
    """
    with db.write() as session:
        authorize(session, actor, Permission.MANAGE_USERS)
        user = _get(session, name)
        if user.active == active:
            return _info(user, changed=False)
        if not active and user.active and user.role == Role.ADMIN.value:
            _keep_an_admin(session, user.name)
        before = user.active
        user.active = active
        action = "user_enable" if active else "user_disable"
        add_event(session, actor, action, "user", user.name, before={"active": before}, after={"active": active})
        return _info(user)


def set_password(db: Database, actor: Actor, name: str, password: str, *, current_password: str | None = None) -> str:
    """Set a password: admins for anyone, every user for themselves (with their current password).

    A wrong current password counts as a failed sign-in of the account (``login_failed``),
    so guessing it here is limited like guessing it on the sign-in page.

    Returns
    -------
    str
        The new :func:`password_stamp` (the session that changed its own password keeps it).

    Raises
    ------
    ModLensError
        When the current password is missing or wrong, the name is locked (:class:`SignInLocked`),
        the actor may not set it (:class:`~core.errors.PermissionDenied`) or the password breaks the rules.

    """
    own = actor.name == name and actor.kind is ActorKind.USER
    if own and not current_password:
        raise ModLensError("To change your own password, type your current password too (Password, in the sidebar).")
    hashed = hash_password(password)
    problem: ModLensError | None = None
    with db.write() as session:
        if own:
            current_actor(session, actor)
            serialize_attempts(session, name)
            problem = refuse_if_locked(session, name, actor.name)
        else:
            authorize(session, actor, Permission.MANAGE_USERS)
        user = _get(session, name)
        if own and problem is None:
            if not user.password_hash:
                problem = ModLensError(
                    "Your account has no password (you sign in through your organisation); ask an admin to set one."
                )
            elif not verify_password(user.password_hash, current_password or ""):
                add_event(session, actor, "login_failed", "user", name)  # counts towards the lock, like a sign-in
                problem = ModLensError("Your current password is wrong. Type it again, then the new password twice.")
        if problem is None:
            user.password_hash = hashed
            add_event(session, actor, "user_set_password", "user", user.name)
    if problem is not None:
        raise problem
    return password_stamp(hashed)


def _serialize_additions(session: Session) -> None:
    """On PostgreSQL, new accounts are added one at a time (SQLite's write transactions take turns already).

    Otherwise two additions at the same moment both see no account (demo mode would create several
    first admins) or both see the name free (the second fails on the unique name, a database error).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('modlens.users.add'))"))


def _find(session: Session, name: str) -> User | None:
    """The account named ``name``, else the one account whose name differs from it only in case.

    Names are unique whatever their case, so ``users set-role Bob`` means ``bob``; where older
    data holds several names differing only in case, only the exact one matches. One query
    whether or not the name exists, so its timing says nothing about the name.
    """
    found = session.scalars(select(User).where(func.lower(User.name) == name.lower())).all()
    exact = [user for user in found if user.name == name]
    if exact:
        return exact[0]
    return found[0] if len(found) == 1 else None


def _get(session: Session, name: str) -> User:
    user = _find(session, name)
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
