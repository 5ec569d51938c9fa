"""Score page (``/score``): score a file, the sample posts or pasted posts; tune thresholds; export."""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from ui import render, resources, score_view, shell, state

shell.require_app()

st.title("Score posts")

try:
    with st.spinner("Loading the model (once per server)..."):
        model = resources.get_model()
except ModLensError as exc:
    render.error(str(exc))
    st.stop()

new_posts = score_view.input_section()
if new_posts is None:
    new_posts = score_view.column_picker()
if new_posts is not None:
    score_view.accept(new_posts)
score_view.scoring_section(model)
score_view.error_section()

result = state.get(state.RESULT)
if result is None:
    st.info("Upload a file, use the sample posts or paste a few posts to see scores.", icon=":material/upload_file:")
    st.stop()

st.header("Results")
source = result.posts.source_name or "posts"
took = f" in {result.seconds:.1f} s" if result.seconds >= 0.1 else ""
st.caption(render.escape_markdown(f"{source}: {len(result):,} posts, scored by {result.model_name}{took}"))
for message in result.posts.notes:
    render.note(message)
thresholds = score_view.threshold_sliders(result)
table = result.flagged(thresholds)
score_view.summary_section(table, result.labels)
truth = score_view.truth_pickers(result)
score_view.metrics_section(result, truth, thresholds)
score_view.table_section(result, table)
st.subheader("Score distributions")
score_view.charts_section(result, truth, thresholds)
st.subheader("Export")
score_view.export_section(result, thresholds)
