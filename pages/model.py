"""Model page (``/model``): placeholder until the model card view lands."""

from __future__ import annotations

import streamlit as st

from ui import shell

shell.require_app()

st.title("Model")
st.write(
    "Coming next: the active model's full card (intended use, training data, evaluation per dataset, "
    "limitations) and how to switch models."
)
