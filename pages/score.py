"""Score page (``/score``): score a file, the sample posts or pasted posts; tune thresholds; export."""

from __future__ import annotations

import streamlit as st

from ui import shell
from ui.components import model_loader, thresholds
from ui.sections.score import charts, export, metrics, scoring, summary, table, truth
from ui.sections.score import input as score_input
from ui.services import session

shell.require_app()

st.title("Score posts")
model, _ = model_loader.active_model_or_stop()

posts = score_input.new_posts()
if posts is not None:
    scoring.accept(posts)
scoring.scoring_section(model)
score_input.error_section()

result = session.last_result()
if result is None:
    st.info("Upload a file, use the sample posts or paste a few posts to see scores.", icon=":material/upload_file:")
    st.stop()

st.header("Results")
summary.source_caption(result)
chosen = thresholds.score_sliders(result)
flagged = result.flagged(chosen)
summary.summary_section(flagged, result.labels)
labelled = truth.truth_pickers(result)
metrics.metrics_section(result, labelled, chosen)
table.table_section(result, flagged)
st.subheader("Score distributions")
charts.charts_section(result, labelled, chosen)
st.subheader("Export")
export.export_section(result, chosen)
