"""Bias page (``/bias``): placeholder until the bias breakdowns land."""

from __future__ import annotations

import streamlit as st

from ui import shell

shell.require_app()

st.title("Bias")
st.write(
    "Coming next: how scores and flag rates differ between posts that mention identity groups "
    "(subgroup AUC, BPSN/BNSP AUC, false positive rates), on your labelled posts or built-in templates."
)
