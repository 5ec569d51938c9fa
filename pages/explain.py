"""Explain page (``/explain``): which words drive a post's scores, and across the upload.

Pick a post of the last scored upload (or arrive with ``?row=N`` from the Score
page), or type one: each label's score against its threshold, the post with
every word shaded by its SHAP attribution, the strongest words, a faithfulness
check, occlusion of a picked word and what-if edits. Below, the top words of
each label over the flagged posts, computed in the background with a Stop
button. Sections live in :mod:`ui.explain_view`.
"""

from __future__ import annotations

import streamlit as st

from ui import explain_view, shell, state

shell.require_app()

st.title("Explain")
st.caption("See which words drive a post's scores: SHAP token attributions of the model, per label.")

loaded = explain_view.load_model()
if loaded is None:
    st.stop()
model, version = loaded
result = state.get(state.RESULT)
thresholds = state.thresholds(model.labels_, model.thresholds_)

post = explain_view.pick_post(result)
if post is not None:
    explain_view.explain_section(post, model, version, thresholds)
    explain_view.what_if_section(post, model, version, thresholds)
if result is not None:
    st.divider()
    explain_view.global_section(result, model, version)
