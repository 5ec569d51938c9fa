"""The Admin page's accounts: add, change the role, disable or enable, reset the password.

The store keeps the last active admin: it cannot be demoted or disabled. In demo mode
the form creates the first admin account, which ends demo mode for everyone.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.errors import ModLensError
from core.store.roles import Role
from ui import state
from ui.components.safe_text import as_typed, error, escape_markdown
from ui.services import admin

KEYS = state.Keys("modlens.admin.users")
DONE = KEYS("done")
"""``(kind, message)`` of the last change, shown once (kind ``error``, ``info`` or ``success``)."""
ROLES = [role.value for role in Role]
NEW_ACCOUNT_FIELDS = tuple(KEYS(name) for name in ("new_name", "new_role", "oidc", "new_password", "new_again"))
"""The "Add an account" form's widgets, emptied once the account is created (kept when it is refused)."""


def _run(change: Callable[[], object], message: str, unchanged: str | None = None) -> None:
    """Callback body: make the change and remember what happened.

    ``unchanged`` is said instead of ``message`` when the store changed nothing (another admin
    made the same change since the page was drawn): nothing was audited either.
    """
    try:
        result = change()
    except ModLensError as exc:
        state.put(DONE, ("error", str(exc)))
        return
    if unchanged is not None and getattr(result, "changed", True) is False:
        state.put(DONE, ("info", unchanged))
        return
    state.put(DONE, ("success", message))


def _done() -> None:
    done = state.pop(DONE)
    if done:
        kind, message = done
        if kind == "error":
            error(message)
        elif kind == "info":
            st.info(escape_markdown(message), icon=":material/info:")
        else:
            st.success(escape_markdown(message), icon=":material/check_circle:")


def add_user_form(*, first: bool = False) -> None:
    """A form for a new account; ``first`` (demo mode): the first admin.

    The first admin is offered no "No password" choice unless an OIDC provider is configured:
    it could never sign in, and demo mode would be over for everyone.
    """
    offer_oidc = not (first and admin.first_admin_needs_password())
    with st.form(KEYS("add_form")):
        st.markdown("**Create the first admin account**" if first else "**Add an account**")
        left, right = st.columns(2)
        name = left.text_input("User name", key=KEYS("new_name"), help="Letters, digits, '.', '_', '@', '+' or '-'.")
        role = right.selectbox(
            "Role", ROLES, index=len(ROLES) - 1 if first else 0, key=KEYS("new_role"), disabled=first
        )
        oidc_only = False
        if offer_oidc:
            oidc_only = st.checkbox("No password: signs in with the organisation's account (OIDC)", key=KEYS("oidc"))
        left, right = st.columns(2)
        password = left.text_input("Password", type="password", key=KEYS("new_password"))
        again = right.text_input("Repeat the password", type="password", key=KEYS("new_again"))
        submitted = st.form_submit_button("Create the account", type="primary", icon=":material/person_add:")
    if not submitted:
        return
    name = as_typed(name)
    if not oidc_only and (not password or password != again):
        error(
            "Type the same password twice (or tick 'No password' for an OIDC account)."
            if offer_oidc
            else "Type the same password twice."
        )
        return
    unusable = (
        " No OIDC provider is configured yet, so it cannot sign in until one is (README: Single sign-on) or you "
        "give it a password (Reset the password)."
        if oidc_only and not admin.oidc_configured()
        else ""
    )
    _run(
        lambda: admin.add_user(name, Role(role), None if oidc_only else password),
        f"Account '{name}' ({role}) created." + (" Demo mode is over: sign in with it." if first else "") + unusable,
    )
    if state.get(DONE, ("error", ""))[0] != "error":  # a refused name stays in the form to be corrected
        for field in NEW_ACCOUNT_FIELDS:
            state.pop(field)
    st.rerun()  # the table shows the new account; the message comes at the top


def first_admin_section() -> None:
    """Demo mode: the form for the first admin account, and why the last try failed."""
    _done()
    add_user_form(first=True)


def users_section() -> None:
    """The accounts, the form for a new one, and the changes to one."""
    _done()
    try:
        accounts = admin.list_users()
    except ModLensError as exc:
        error(str(exc))
        return
    st.dataframe(admin.users_table(accounts), hide_index=True, key=KEYS("table"))
    add_user_form()
    if not accounts:
        return
    with st.container(border=True):
        st.markdown("**Change an account**")
        names = [u.name for u in accounts]
        name = st.selectbox("Account", names, key=KEYS("pick"))
        user = next(u for u in accounts if u.name == name)
        own = admin.is_own_account(name)
        confirmed = not own or st.checkbox(
            "This is my own account: demoting or disabling it takes this page away from me",
            key=KEYS("own", name),
        )
        left, middle, right = st.columns(3, vertical_alignment="bottom")
        role = left.selectbox("Role", ROLES, index=ROLES.index(user.role.value), key=KEYS("role", name))
        middle.button(
            "Change the role",
            key=KEYS("set_role"),
            disabled=role == user.role.value or not confirmed,
            on_click=_run,
            args=(
                lambda: admin.set_role(name, Role(role)),
                f"{name} is now {_a(role)} {role}.",
                f"{name} is already {_a(role)} {role}; nothing changed.",
            ),
        )
        right.button(
            "Disable" if user.active else "Enable",
            key=KEYS("set_active"),
            icon=":material/block:" if user.active else ":material/check_circle:",
            disabled=user.active and not confirmed,
            on_click=_run,
            args=(
                lambda: admin.set_active(name, not user.active),
                f"{name} is {'disabled' if user.active else 'enabled again'}.",
                f"{name} is already {'disabled' if user.active else 'enabled'}; nothing changed.",
            ),
        )
        with st.form(KEYS("password_form"), clear_on_submit=True, border=False):
            left, right, button = st.columns([2, 2, 1], vertical_alignment="bottom")
            password = left.text_input("New password", type="password", key=KEYS("password"))
            again = right.text_input("Repeat it", type="password", key=KEYS("password_again"))
            reset = button.form_submit_button("Reset the password")
        if reset:
            if not password or password != again:
                error("Type the same new password twice.")
            else:
                _run(lambda: admin.set_password(name, password), f"The password of {name} was reset.")
                _done()


def _a(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
