"""Home page (``/``): what ModLens does, the active model, and a one-click start."""

from __future__ import annotations

import streamlit as st

from ui import shell
from ui.components import model_loader
from ui.sections.home import active_model, intro

shell.require_app()

intro.intro_section()
st.header("Active model")
model, _ = model_loader.active_model_or_stop()
active_model.model_section(model)
