"""Bias page (``/bias``): how the model treats posts that mention identity groups.

Thin: the sections live in :mod:`ui.sections.bias`, the metrics in :mod:`core.bias`.
"""

from __future__ import annotations

import streamlit as st

from ui import shell
from ui.components import model_loader
from ui.sections.bias import data, groups, settings, swaps, templates

shell.require_app()

st.title("Bias")
st.caption(data.INTRO)
model, version = model_loader.active_model_or_stop()

chosen = data.data_section(model)
if chosen is None:
    st.stop()
data_id, scored = chosen
picked = settings.settings_section(data_id, scored)
groups.groups_section(data_id, scored, picked, version)
templates.templates_section(model, picked.label, version)
swaps.counterfactual_section(data_id, scored, picked, model, version)
