"""Model page (``/model``): model versions, training, thresholds and comparisons (see :mod:`ui.sections.model`)."""

from __future__ import annotations

import streamlit as st

from core.registry import ModelRegistry
from ui import shell
from ui.sections.model import compare, header, thresholds, training, versions

shell.require_app()

header.header()
registry = ModelRegistry()
versions_tab, train_tab, thresholds_tab, compare_tab = st.tabs(["Versions", "Train", "Thresholds", "Compare"])
with versions_tab:
    versions.versions_section(registry)
with train_tab:
    training.training_section(registry)
with thresholds_tab:
    thresholds.thresholds_section(registry)
with compare_tab:
    compare.compare_section(registry)
