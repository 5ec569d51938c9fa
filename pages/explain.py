"""Explain page (``/explain``): which words drive a post's scores, and across the upload.

Pick a post of the last scored upload (or arrive with ``?post=ID`` from the Score
page), or type one: each label's score against its threshold, the post with
every word shaded by its SHAP attribution, the strongest words, a faithfulness
check, occlusion of a picked word and what-if edits. Below, the top words of
each label over the flagged posts, computed in the background with a Stop
button. Posts of the upload are explained with the model that scored them.
Sections live in :mod:`ui.sections.explain`.
"""

from __future__ import annotations

import streamlit as st

from core.store.roles import Permission
from ui import shell
from ui.components import model_loader
from ui.sections.explain import attributions, global_run, model_used, occlusion, post_notes, post_picker, what_if
from ui.services import session

shell.require_app(Permission.EXPLAIN)

st.title("Explain")
st.caption("See which words drive a post's scores: SHAP token attributions of the model, per label.")
active = model_loader.active_model_or_stop()
result = session.last_result()

scoring = model_used.scoring_model(result, active) if result is not None else None
post = post_picker.pick_post(result)
used = model_used.for_post(post, result, active, scoring) if post is not None else None
if post is not None and used is not None:
    post_notes.post_notes(post.text, used.model)
    explained = attributions.explain_section(post, used.model, used.ref.version, used.thresholds)
    if explained is not None:
        occlusion.occlusion_section(post.text, explained, used.model)
    what_if.what_if_section(post, used.model, used.ref.version, used.thresholds)
if result is not None and scoring is not None:
    st.divider()
    global_run.global_section(result, scoring.model, scoring.ref.version)
