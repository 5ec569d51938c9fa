"""Bias page (``/bias``): how the model treats posts that mention identity groups.

Thin: the sections live in :mod:`ui.sections.bias`, the metrics in :mod:`core.bias`.
"""

from __future__ import annotations

import streamlit as st

from core.store.roles import Permission
from ui import shell
from ui.components import model_loader
from ui.sections.bias import data, groups, settings, swaps, templates

shell.require_app(Permission.BIAS)

st.title("Bias")
st.caption(data.INTRO)
active = model_loader.active_model_or_stop()

chosen = data.data_section(active)
if chosen is None:
    st.stop()
data_id, scored, (model, ref) = chosen  # the model that scored the posts, used by every section below
picked = settings.settings_section(data_id, scored)
groups.groups_section(data_id, scored, picked, ref.version)
templates.templates_section(model, picked.label, ref.version)
swaps.counterfactual_section(data_id, scored, picked, model, ref.version)
