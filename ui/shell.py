"""The app shell's page config and pages, and the guard that keeps every page inside the shell.

``app.py`` applies :data:`PAGE_CONFIG` and passes :func:`pages` (each with a
stable URL path) to ``st.navigation``.

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

from ui import state

STARTED = "modlens.shell_started"
"""True once a page of this session has run (see :func:`require_app`)."""
PAGE_CONFIG: dict[str, Any] = {"page_title": "ModLens", "page_icon": ":material/policy:", "layout": "wide"}


def pages() -> list[st.Page]:
    """The dashboard's pages; each has a stable URL path (``/`` for Home)."""
    return [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("pages/score.py", title="Score", icon=":material/fact_check:", url_path="score"),
        st.Page("pages/explain.py", title="Explain", icon=":material/lightbulb:", url_path="explain"),
        st.Page("pages/bias.py", title="Bias", icon=":material/balance:", url_path="bias"),
        st.Page("pages/model.py", title="Model", icon=":material/model_training:", url_path="model"),
    ]


def _legacy_pages_mode() -> bool:
    """True while Streamlit runs ``pages/*.py`` directly (no ``st.navigation`` call yet in this process)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the legacy mode
        return False
    return bool(getattr(PagesManager, "uses_pages_directory", False))


def require_app() -> None:
    """Make sure this page runs inside the shell, even when Streamlit ran it without ``app.py``."""
    first_run = not state.get(STARTED, False)
    state.put(STARTED, True)
    if not _legacy_pages_mode():
        return
    st.set_page_config(**PAGE_CONFIG)
    if first_run:  # no widget event to lose yet
        st.navigation(pages(), position="hidden")  # ends the legacy mode for the server process
        st.rerun()
