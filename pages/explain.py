"""Explain page (``/explain``): which words drive a post's scores, and across the upload.

Pick a post of the last scored upload (or arrive with ``?row=N`` from the Score
page), or type one: each label's score against its threshold, the post with
every word shaded by its SHAP attribution, the strongest words, a faithfulness
check, occlusion of a picked word and what-if edits. Below, the top words of
each label over the flagged posts, computed in the background with a Stop
button. Sections live in :mod:`ui.sections.explain`.
"""

from __future__ import annotations

import streamlit as st

from ui import shell
from ui.components import model_loader, thresholds
from ui.sections.explain import attributions, global_run, occlusion, post_picker, what_if
from ui.services import session

shell.require_app()

st.title("Explain")
st.caption("See which words drive a post's scores: SHAP token attributions of the model, per label.")
model, version = model_loader.active_model_or_stop()
result = session.last_result()
chosen = thresholds.chosen(model.labels_, model.thresholds_)

post = post_picker.pick_post(result)
if post is not None:
    explained = attributions.explain_section(post, model, version, chosen)
    if explained is not None:
        occlusion.occlusion_section(post.text, explained, model)
    what_if.what_if_section(post, model, version, chosen)
if result is not None:
    st.divider()
    global_run.global_section(result, model, version)
