"""The Model page's header: title, the ``$MODLENS_MODEL`` warning and the message of the last action."""

from __future__ import annotations

import os

import streamlit as st

from core.paths import MODEL_ENV
from ui import state
from ui.components import model_loader
from ui.components.safe_text import error, escape_markdown

NOTICE = "modlens.model.notice"
"""``(kind, message)`` of the last Model page action (activated, deleted, saved), shown once."""


def notify(message: str, kind: str = "success") -> None:
    """Show ``message`` once at the top of the Model page's next run."""
    state.put(NOTICE, (kind, message))


def header() -> None:
    """Title, the environment override warning and the last action's message."""
    st.title("Model")
    st.caption(
        "Train new model versions, switch the active one, compare two versions on your labelled posts "
        "and choose the flagging thresholds that scoring uses everywhere."
    )
    if os.environ.get(MODEL_ENV):
        st.warning(
            f"${MODEL_ENV} is set, so scoring uses that model directory whatever version is active here. "
            "Activating a version changes the registry only.",
            icon=":material/warning:",
        )
    model_loader.watch_active()
    notice = state.pop(NOTICE)
    if notice:
        kind, message = notice
        if kind == "error":
            error(message)
        else:
            st.success(escape_markdown(message), icon=":material/check_circle:")
