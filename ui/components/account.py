"""The account box in the sidebar (who is signed in, their role, sign out, own password) and the demo banner."""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from core.store.roles import Actor, ActorKind
from ui import state
from ui.components.safe_text import error, escape_markdown
from ui.services import auth

KEYS = state.Keys("modlens.account")


def account_box(actor: Actor) -> None:
    """Name and role of the signed-in person, a Sign out button and a form to change one's own password."""
    with st.sidebar:
        st.caption(f"Signed in as **{escape_markdown(actor.name)}** · {actor.role.value}")
        if actor.kind is not ActorKind.USER:
            return
        left, right = st.columns(2)
        left.button("Sign out", icon=":material/logout:", key=KEYS("sign_out"), on_click=auth.sign_out)
        with right.popover("Password", icon=":material/key:"):
            _password_form()


def _password_form() -> None:
    """Change one's own password: the current one, then the new one twice (checked by the service)."""
    with st.form(KEYS("password_form"), clear_on_submit=True, border=False):
        current = st.text_input(
            "Current password", type="password", key=KEYS("current_password"), autocomplete="current-password"
        )
        first = st.text_input("New password", type="password", key=KEYS("password"), autocomplete="new-password")
        second = st.text_input("Repeat it", type="password", key=KEYS("password_again"), autocomplete="new-password")
        if not st.form_submit_button("Change my password"):
            return
    try:
        auth.change_password(current, first, second)
    except ModLensError as exc:
        error(str(exc))
        return
    st.success("Password changed.", icon=":material/check_circle:")


def demo_banner() -> None:
    """The demo-mode banner: who you are, and how to create real accounts."""
    st.warning(
        "**Demo mode**: no account exists yet, so everyone who opens ModLens is the local admin. "
        f"Create the first admin account with `{auth.FIRST_ADMIN}` (or on the Admin page); "
        "then everyone signs in with their own account.",
        icon=":material/shield_person:",
    )
