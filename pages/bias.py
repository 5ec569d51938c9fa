"""Bias page (``/bias``): how the model treats posts that mention identity groups.

Thin: the sections live in :mod:`ui.bias_view`, the metrics in :mod:`core.bias`.
"""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from ui import bias_view, render, resources, shell

shell.require_app()

st.title("Bias")
st.caption(bias_view.INTRO)

try:
    with st.spinner("Loading the model (once per server)..."):
        model = resources.get_model()
except ModLensError as exc:
    render.error(str(exc))
    st.stop()

version = resources.model_version(model)
chosen = bias_view.data_section(model)
if chosen is None:
    st.stop()
data, scored = chosen
settings = bias_view.settings_section(data, scored)
bias_view.groups_section(data, scored, settings, version)
bias_view.templates_section(model, settings.label, version)
bias_view.counterfactual_section(data, scored, settings, model, version)
