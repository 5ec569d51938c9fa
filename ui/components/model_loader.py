"""The block at the top of the pages that score: load the active model, or say why it cannot be loaded."""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from core.scoring import Scorer
from ui.components.safe_text import error
from ui.services.models import get_model, model_version


def active_model() -> tuple[Scorer, str] | None:
    """The active model and its version, or None after showing the problem (a ``ModLensError`` message)."""
    try:
        with st.spinner("Loading the model (once per server)..."):
            model = get_model()
    except ModLensError as exc:
        error(str(exc))
        return None
    return model, model_version(model)


def active_model_or_stop() -> tuple[Scorer, str]:
    """:func:`active_model`, ending the page's run when there is none (the problem is shown)."""
    loaded = active_model()
    if loaded is None:
        st.stop()
    return loaded
