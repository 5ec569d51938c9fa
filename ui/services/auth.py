"""Who is using this session: the signed-in actor, sign-in and sign-out, demo mode and OIDC.

The one owner of the session's :class:`~core.store.roles.Actor`. Every run re-reads the
account from the users table (:func:`current`), so a role change or a disabled account
takes effect on the next click, and the store's services check the role again anyway.

* No account yet (a fresh checkout): the session runs as the demo admin
  (:func:`core.store.roles.demo_actor`); the shell shows a banner saying so.
* Local accounts sign in with a password (:func:`sign_in`, audited by the store; after
  too many failures the store refuses the name for a while). The session keeps a stamp of
  the account's password (a hash of the stored hash, never the hash itself): when the password
  changes elsewhere (an admin's reset), the session is signed out on its next run.
* When the deployer configures an OIDC provider in ``.streamlit/secrets.toml``
  (an ``[auth]`` section), ``st.login`` signs people in and the users table still
  decides their role (:func:`core.store.users.login_actor`). The identity's e-mail names the
  account, and only when the provider says it is verified (``email_verified``); it matches the
  account's name whatever the case (``Alice@Org.com`` signs in as ``alice@org.com``). Such a session
  ends on its next run when the browser is no longer signed in as that identity (``st.logout``
  in another tab, an expired cookie, another person's sign-in).

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
STAMP = "modlens.auth.stamp"
""":func:`core.store.users.password_stamp` of the account at a password sign-in (absent for OIDC sessions)."""
NO_ACCOUNT = "modlens.auth.no_account"
"""The OIDC identity that has no ModLens account (the sign-in page says to ask an admin)."""
OIDC_REFUSED = "modlens.auth.oidc_refused"
"""Why an OIDC identity cannot sign in (account disabled, no verified e-mail), for the sign-in page."""
OIDC_IDENTITY = "modlens.auth.oidc_identity"
"""The verified e-mail an OIDC session signed in with (absent for password sessions)."""
OIDC_CHANGED = "You signed out of your organisation's account (or signed in as someone else); sign in again."
PASSWORD_CHANGED = (
    "Your password was changed (by an admin, or by you in another session); sign in again with the new one."
)
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
    identity: str | None = state.get(OIDC_IDENTITY)
    if identity is not None and oidc_name() != identity:  # st.logout in another tab, or another person's sign-in
        _drop(OIDC_CHANGED)
        return _oidc_actor(db)
    try:
        account = users.user_account(db, held.name)
    except ModLensError:
        _drop(f"The account '{held.name}' is disabled or no longer exists. Ask an admin.")
        return None
    stamp: str | None = state.get(STAMP)
    if stamp is not None and account.stamp != stamp:
        _drop(PASSWORD_CHANGED)
        return None
    fresh = account.actor
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
        For a wrong name or password or a disabled account (one message for all three), or
        :class:`~core.store.users.SignInLocked` after too many failed sign-ins for the name.

    """
    account = users.password_sign_in(database(), name.strip(), password)
    state.forget((state.PREFIX,))  # nothing of a previous person's session survives
    state.put(ACTOR, account.actor)
    state.put(STAMP, account.stamp)
    return account.actor


def change_password(current_password: str, new_password: str, repeated: str) -> None:
    """Change the signed-in person's own password; this session stays signed in (other sessions are signed out).

    Raises
    ------
    ModLensError
        When nobody is signed in with an account, the two new passwords differ, or the store
        refuses (a missing or wrong current password, too many failures, the password rules).

    """
    actor = current()
    if actor is None or actor.kind is not ActorKind.USER:
        raise PermissionDenied("Sign in with your account first: only accounts have a password to change.")
    if not new_password or new_password != repeated:
        raise ModLensError("Type the same new password twice.")
    stamp = users.set_password(database(), actor, actor.name, new_password, current_password=current_password)
    if state.get(STAMP) is not None:
        state.put(STAMP, stamp)


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
    """The account name of the OIDC identity: its e-mail, when the provider says it is verified; else None.

    No other claim names an account: at many providers the person chooses their
    ``preferred_username`` (or an unverified e-mail), so it would let anyone take any name.
    """
    if not oidc_signed_in():
        return None
    email = st.user.get("email")
    verified = st.user.get("email_verified")
    if isinstance(verified, str):  # some providers send the string "true"
        verified = verified.strip().lower() == "true"
    return str(email) if email and verified is True else None


def _oidc_actor(db: Database) -> Actor | None:
    """The actor of an OIDC identity with an active account (audited ``login``), else None."""
    if not oidc_providers():
        return None
    if not oidc_signed_in():
        return None
    name = oidc_name()
    state.pop(NO_ACCOUNT)
    state.pop(OIDC_REFUSED)
    if name is None:
        state.put(
            OIDC_REFUSED,
            "Your organisation's sign-in gave no verified e-mail address, so ModLens cannot tell which account "
            "is yours. Ask your identity provider's admin to send a verified e-mail (email_verified), "
            "or sign in with a ModLens password.",
        )
        return None
    try:
        actor = users.login_actor(db, name)
    except users.AccountDisabled as exc:
        account = exc.account or name  # the account's own spelling (e-mails match whatever the case)
        state.put(
            OIDC_REFUSED,
            f"You are signed in as {name}, but that ModLens account is disabled. Ask an admin to enable it "
            f"(Admin page, or: python -m core users enable {account}).",
        )
        return None
    except ModLensError as exc:  # several accounts differ from the e-mail only in case
        state.put(OIDC_REFUSED, str(exc))
        return None
    if actor is None:
        state.put(NO_ACCOUNT, name)
        return None
    state.put(ACTOR, actor)
    state.put(OIDC_IDENTITY, name)
    return actor


def oidc_without_account() -> str | None:
    """The OIDC identity signed in without a ModLens account, if any."""
    return state.get(NO_ACCOUNT)


def oidc_refusal() -> str | None:
    """Why the OIDC identity signed in cannot use ModLens (account disabled, no verified e-mail), if so."""
    return state.get(OIDC_REFUSED)
