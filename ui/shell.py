"""The app shell: page config, the pages each role gets, and the guard every page runs first.

``app.py`` applies :data:`PAGE_CONFIG` and runs :func:`navigation`: it finds who is
signed in (:func:`ui.services.auth.current`) and builds the pages for that role (each
with a stable URL path; pages the role may not use are hidden from the menu). Nobody
signed in: the sign-in page (the other pages hidden).

Every page starts with :func:`require_app`, which draws the account box (and the demo
banner) and checks the page's permission: a page opened by URL without the role shows a
refusal, not its content; signed out, it shows the sign-in form.

Streamlit has a legacy mode for apps with a ``pages/`` folder next to the entry
script: until some run in the server process has called ``st.navigation``, a
request for ``/score`` runs ``pages/score.py`` on its own, without ``app.py``
(no page config, a sidebar of file names). That happens when the first request
after a server start is a deep link (and in every ``AppTest`` run, which resets
the mode). Every page calls :func:`require_app` first: on a session's first run
it ends the legacy mode for the server process and reruns through ``app.py``;
later (only under ``AppTest``) it just applies the page config, since a rerun
would drop the widget event being handled.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.errors import ModLensError, PermissionDenied
from core.paths import ASSETS_DIR
from core.store.roles import Actor, Permission, demo_actor
from ui import state
from ui.components import account
from ui.components.safe_text import error, escape_markdown
from ui.sections.signin import form
from ui.services import auth
from ui.services.startup import start_server

STARTED = "modlens.shell_started"
"""True once a page of this session has run (see :func:`require_app`)."""
FAVICON = ASSETS_DIR / "favicon.png"
"""The tab icon, served by this server (a ``:material/...:`` page icon is fetched from Google's font CDN)."""
PAGE_CONFIG: dict[str, Any] = {"page_title": "ModLens", "page_icon": str(FAVICON), "layout": "wide"}


PAGE_PERMISSIONS: dict[str, Permission | None] = {
    "pages/home.py": None,
    "pages/score.py": Permission.SCORE,
    "pages/explain.py": Permission.EXPLAIN,
    "pages/bias.py": Permission.BIAS,
    "pages/review.py": Permission.REVIEW,
    "pages/model.py": None,
    "pages/admin.py": Permission.MANAGE_USERS,
}
"""What each page needs; pages without it are hidden from the menu and refuse to show their content."""


def pages(actor: Actor | None = None) -> list[st.Page]:
    """The dashboard's pages for ``actor``, each with a stable URL path (``/`` for Home).

    Pages the actor's role may not use are hidden from the menu (opened by URL they refuse).
    Nobody signed in (None): the sign-in page at ``/``; the others are hidden and show the
    sign-in form when opened by URL, then their content once signed in.
    """
    listed = [
        ("pages/home.py", "Home", ":material/home:", None),
        ("pages/score.py", "Score", ":material/fact_check:", "score"),
        ("pages/explain.py", "Explain", ":material/lightbulb:", "explain"),
        ("pages/bias.py", "Bias", ":material/balance:", "bias"),
        ("pages/review.py", "Review", ":material/task_alt:", "review"),
        ("pages/model.py", "Model", ":material/model_training:", "model"),
        ("pages/admin.py", "Admin", ":material/admin_panel_settings:", "admin"),
    ]
    if actor is None:
        sign_in = st.Page("pages/signin.py", title="Sign in", icon=":material/login:", default=True)
        hidden = [
            st.Page(path, title=title, icon=icon, url_path=url or "home", visibility="hidden")
            for path, title, icon, url in listed
        ]
        return [sign_in, *hidden]

    def visibility(path: str) -> str:
        needed = PAGE_PERMISSIONS[path]
        return "visible" if needed is None or actor.can(needed) else "hidden"

    return [
        st.Page(path, title=title, icon=icon, url_path=url, default=url is None, visibility=visibility(path))
        for path, title, icon, url in listed
    ]


def navigation() -> Any:
    """Who is signed in and the pages for their role; returns the page to run."""
    try:
        actor = auth.current()
    except ModLensError as exc:
        error(f"The ModLens database cannot be opened: {exc}")
        st.stop()
    return st.navigation(pages(actor))


def _chrome(actor: Actor) -> None:
    """The account box in the sidebar and, in demo mode, the banner at the top of the page."""
    account.account_box(actor)
    if auth.is_demo(actor):
        account.demo_banner()


def refuse(message: str) -> None:
    """Say why this page's content is not shown (and end the run)."""
    st.title("Not available")
    error(message)
    st.page_link("pages/home.py", label="Back to Home", icon=":material/home:")
    st.stop()


def _legacy_pages_mode() -> bool:
    """True while Streamlit runs ``pages/*.py`` directly (no ``st.navigation`` call yet in this process)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the legacy mode
        return False
    return bool(getattr(PagesManager, "uses_pages_directory", False))


def _enter_shell() -> None:
    """Apply the page config and end Streamlit's legacy pages mode when a page runs without ``app.py``.

    Also runs the server's start-up work (:func:`ui.services.startup.start_server`, once per process).
    """
    start_server()
    first_run = not state.get(STARTED, False)
    state.put(STARTED, True)
    if _legacy_pages_mode():
        st.set_page_config(**PAGE_CONFIG)
        if first_run:  # no widget event to lose yet
            st.navigation(pages(demo_actor()), position="hidden")  # every page; ends the legacy mode for the process
            st.rerun()


def require_app(permission: Permission | None = None) -> Actor:
    """Make sure this page runs inside the shell for someone signed in who may use it; returns the actor.

    Streamlit may run a page without ``app.py`` (see the module docstring); then the page
    config is applied here. Draws the account box (and the demo banner). Signed out: the
    sign-in form instead of the page; without ``permission``: a refusal.
    """
    _enter_shell()
    try:
        actor = auth.current()
        if actor is None:  # opened by URL while signed out: sign in here, then the page shows
            form.sign_in_view()
            st.stop()
        _chrome(actor)
        if permission is not None:
            auth.require(permission)
    except PermissionDenied as exc:
        refuse(str(exc))
        raise  # not reached: refuse() stops the run
    except ModLensError as exc:
        refuse(f"The ModLens database cannot be opened: {exc}")
        raise
    return actor


def sign_in_page() -> None:
    """The sign-in page: the form, or (signed in already) who you are and where to go."""
    _enter_shell()
    actor = auth.current()
    if actor is None:
        form.sign_in_view()
        return
    _chrome(actor)
    st.title("ModLens")
    st.success(escape_markdown(f"Signed in as {actor.name} ({actor.role.value})."), icon=":material/check_circle:")
    st.page_link("pages/home.py", label="Go to Home", icon=":material/home:")
