"""Who is using this session: the signed-in actor, sign-in and sign-out, demo mode and OIDC.

The one owner of the session's :class:`~core.store.roles.Actor`. Every run re-reads the
account from the users table (:func:`current`), so a role change or a disabled account
takes effect on the next click, and the store's services check the role again anyway.

* No account yet (a fresh checkout): the session runs as the demo admin
  (:func:`core.store.roles.demo_actor`); the shell shows a banner saying so.
* Local accounts sign in with a password (:func:`sign_in`, audited by the store).
* When the deployer configures an OIDC provider in ``.streamlit/secrets.toml``
  (an ``[auth]`` section), ``st.login`` signs people in and the users table still
  decides their role (:func:`core.store.users.login_actor`).

No widgets here: the sign-in page and the sidebar draw them.
"""

from __future__ import annotations

import logging

import streamlit as st

from core.errors import ModLensError, PermissionDenied
from core.store import users
from core.store.audit import record_audit
from core.store.connect import open_database
from core.store.db import Database
from core.store.roles import Actor, ActorKind, Permission
from core.store.roles import require as require_role
from ui import state

log = logging.getLogger("modlens.ui.auth")

ACTOR = "modlens.actor"
"""The session's :class:`~core.store.roles.Actor` (None or absent: nobody signed in)."""
NOTICE = "modlens.auth.notice"
"""Why the session was signed out (an account disabled, demo mode over), shown once on the sign-in page."""
NO_ACCOUNT = "modlens.auth.no_account"
"""The OIDC identity that has no ModLens account (the sign-in page says to ask an admin)."""
FIRST_ADMIN = "python -m core users add NAME --role admin"
"""The command that creates the first account (and ends demo mode)."""


def database() -> Database:
    """The dashboard's database (``$MODLENS_DATABASE_URL`` or ``$MODLENS_HOME/modlens.db``), opened once per process.

    Raises
    ------
    ModLensError
        When the URL is wrong or the database cannot be opened.

    """
    return open_database()


def current() -> Actor | None:
    """The actor of this session, checked against the users table now; None when nobody is signed in."""
    db = database()
    held: Actor | None = state.get(ACTOR)
    if not users.has_users(db):
        actor = users.session_actor(db)
        state.put(ACTOR, actor)
        return actor
    if held is not None and held.kind is ActorKind.DEMO:
        _drop("Accounts exist now, so demo mode is over. Sign in with your account.")
        held = None
    if held is None:
        return _oidc_actor(db)
    try:
        fresh = users.user_actor(db, held.name)
    except ModLensError:
        _drop(f"The account '{held.name}' is disabled or no longer exists. Ask an admin.")
        return None
    if fresh != held:
        state.put(ACTOR, fresh)
    return fresh


def _drop(message: str) -> None:
    """Sign the session out (without a logout event) and keep ``message`` for the sign-in page."""
    state.forget((state.PREFIX,))
    state.put(NOTICE, message)


def take_notice() -> str | None:
    """Why the session was signed out, once."""
    return state.pop(NOTICE)


def is_demo(actor: Actor | None) -> bool:
    """True for the demo admin of a fresh checkout."""
    return actor is not None and actor.kind is ActorKind.DEMO


def require(permission: Permission) -> Actor:
    """The session's actor, if it may do ``permission``.

    Raises
    ------
    PermissionDenied
        When nobody is signed in, or the actor's role does not allow it (the message says which role does).

    """
    actor = current()
    if actor is None:
        raise PermissionDenied("Sign in first: ModLens needs to know who you are.")
    require_role(actor, permission)
    return actor


def can(permission: Permission) -> bool:
    """Whether the session's actor may do ``permission`` (for what to show; the services check again)."""
    actor = current()
    return actor is not None and actor.can(permission)


def sign_in(name: str, password: str) -> Actor:
    """Sign in with a local account's password; the store records ``login`` or ``login_failed``.

    Raises
    ------
    ModLensError
        For a wrong name or password or a disabled account (one message for all three).

    """
    actor = users.authenticate(database(), name.strip(), password)
    state.forget((state.PREFIX,))  # nothing of a previous person's session survives
    state.put(ACTOR, actor)
    return actor


def sign_out() -> None:
    """End the session's sign-in (recorded as ``logout``) and forget everything the session held."""
    actor: Actor | None = state.get(ACTOR)
    if actor is not None and actor.kind is ActorKind.USER:
        try:
            record_audit(database(), actor, "logout", "user", actor.name)
        except ModLensError:  # a disabled account still gets signed out
            log.info("logout of %s not recorded", actor.name)
    state.forget((state.PREFIX,))
    if oidc_signed_in():
        st.logout()


# -- OIDC (st.login) ---------------------------------------------------------------------------
def oidc_providers() -> list[str | None]:
    """Providers configured in the ``[auth]`` secrets: ``[None]`` for one unnamed provider, ``[]`` for none."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file, or one that does not parse: no OIDC
        return []
    if not section or "redirect_uri" not in section:
        return []
    named = [str(key) for key, value in section.items() if hasattr(value, "keys")]
    if named:
        return named  # type: ignore[return-value]
    return [None] if "client_id" in section else []


def oidc_signed_in() -> bool:
    """Whether ``st.login`` has signed this browser in."""
    try:
        return bool(st.user.is_logged_in)
    except Exception:  # no auth configured: Streamlit may refuse to read st.user
        return False


def oidc_name() -> str | None:
    """The account name of the OIDC identity: its e-mail, else its preferred user name or subject."""
    if not oidc_signed_in():
        return None
    for claim in ("email", "preferred_username", "sub"):
        value = st.user.get(claim)
        if value:
            return str(value)
    return None


def _oidc_actor(db: Database) -> Actor | None:
    """The actor of an OIDC identity with an active account (audited ``login``), else None."""
    if not oidc_providers():
        return None
    name = oidc_name()
    if name is None:
        return None
    actor = users.login_actor(db, name)
    if actor is None:
        state.put(NO_ACCOUNT, name)
        return None
    state.pop(NO_ACCOUNT)
    state.put(ACTOR, actor)
    return actor


def oidc_without_account() -> str | None:
    """The OIDC identity signed in without a ModLens account, if any."""
    return state.get(NO_ACCOUNT)
