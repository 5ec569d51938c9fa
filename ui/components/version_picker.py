"""Picking a model version from the registry (Model page: versions, thresholds, compare)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from core.registry import ModelVersion
from ui import state
from ui.services.model_tables import version_label


def pick_version(label: str, versions: Sequence[ModelVersion], default: int, *, key: str) -> ModelVersion:
    """A version picker that starts at version ``default``; a remembered pick of a deleted version is dropped."""
    numbers = [v.version for v in versions]
    by_number = {v.version: v for v in versions}
    if state.get(key) not in numbers:
        state.pop(key)
    start = 0 if state.get(key) is not None or default not in numbers else numbers.index(default)
    chosen = st.selectbox(label, numbers, index=start, format_func=lambda n: version_label(by_number[n]), key=key)
    return by_number[int(chosen)]
