"""Score page (``/score``): score a file, the sample or pasted posts; tune thresholds; save, send to review, export.

Every scored upload is saved as a batch (reopened under Saved batches after a reload);
posts go to a review queue from here.
"""

from __future__ import annotations

import streamlit as st

from core.store.roles import Permission
from ui import shell
from ui.components import model_loader, thresholds
from ui.sections.score import (
    charts,
    export,
    languages,
    metrics,
    numbering,
    privacy,
    saved,
    scoring,
    send,
    summary,
    table,
    truth,
)
from ui.sections.score import input as score_input
from ui.services import session

shell.require_app(Permission.SCORE)

st.title("Score posts")
active = model_loader.active_model_or_stop()

posts = score_input.new_posts()
if posts is not None:
    scoring.accept(posts)
scoring.scoring_section(*active)
score_input.error_section()
saved.reopen_section()

result = session.last_result()
if result is None:
    st.info("Upload a file, use the sample posts or paste a few posts to see scores.", icon=":material/upload_file:")
    st.stop()

st.header("Results")
summary.source_caption(result, active)
privacy.redaction_section(result)
languages.language_banner(result)
chosen = thresholds.score_sliders(result)
saved.saved_section(result, chosen)
flagged = result.flagged(chosen)
summary.summary_section(flagged, result)
labelled = truth.truth_pickers(result)
metrics.metrics_section(result, labelled, chosen)
result = numbering.numbering_section(result)
shown = table.table_section(result, flagged)
st.subheader("Score distributions")
charts.charts_section(result, labelled, chosen)
st.subheader("Send to review")
send.send_section(result, shown)
st.subheader("Export")
export.export_section(result, chosen, shown)
