"""The sign-in page: a local account's name and password, or the organisation's sign-in (OIDC) when configured."""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from ui import state
from ui.components.safe_text import as_typed, error, escape_markdown
from ui.services import auth

KEYS = state.Keys("modlens.signin")


def notice_section() -> None:
    """Why this session was signed out (shown once), and an OIDC identity without a usable account."""
    notice = auth.take_notice()
    if notice:
        st.info(escape_markdown(notice), icon=":material/info:")
    refusal = auth.oidc_refusal()
    if refusal:
        error(refusal)
    orphan = auth.oidc_without_account()
    if orphan:
        error(
            f"You are signed in as {orphan}, but ModLens has no account of that name. Ask an admin to add it "
            f"(Admin page, or: python -m core users add {orphan} --role analyst --no-password)."
        )


def oidc_section() -> bool:
    """A button per configured OIDC provider; returns whether any is configured."""
    providers = auth.oidc_providers()
    for provider in providers:
        label = f"Sign in with {provider}" if provider else "Sign in with your organisation's account"
        if st.button(label, type="primary", icon=":material/login:", key=KEYS("oidc", provider or "default")):
            st.login(provider)
    return bool(providers)


def password_section() -> None:
    """Name and password of a local account; a wrong one says so (and is recorded)."""
    with st.form(KEYS("form"), border=True):
        name = st.text_input("User name", key=KEYS("name"), autocomplete="username")
        password = st.text_input("Password", type="password", key=KEYS("password"), autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary", icon=":material/login:")
    if not submitted:
        return
    try:
        auth.sign_in(as_typed(name), password)
    except ModLensError as exc:
        error(str(exc))
        return
    st.rerun()


def sign_in_view() -> None:
    """The whole sign-in page: title, why the session was signed out, OIDC and password sign-in."""
    st.title("ModLens")
    st.caption("Sign in to score, explain and review posts. Ask an admin for an account.")
    notice_section()
    if oidc_section():
        with st.expander("Sign in with a ModLens password instead", icon=":material/password:"):
            password_section()
    else:
        password_section()
