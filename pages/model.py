"""Model page (``/model``): model versions, training, thresholds and comparisons (see :mod:`ui.model_view`)."""

from __future__ import annotations

import streamlit as st

from core.registry import ModelRegistry
from ui import model_view, shell

shell.require_app()

model_view.header()
registry = ModelRegistry()
versions, train, thresholds, compare = st.tabs(["Versions", "Train", "Thresholds", "Compare"])
with versions:
    model_view.versions_section(registry)
with train:
    model_view.training_section(registry)
with thresholds:
    model_view.thresholds_section(registry)
with compare:
    model_view.compare_section(registry)
