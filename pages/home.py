"""Home page (``/``): what ModLens does, the active model, and a one-click start."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from core.errors import ModLensError
from ui import render, resources, shell, state

shell.require_app()

st.title("ModLens")
st.write(
    "ModLens helps trust-and-safety teams review what a toxicity classifier does. "
    "Score a file of posts with the model (labels such as *toxic* and *hate*), tune the flagging "
    "thresholds against your own labels, see which words drive a score, and check whether posts "
    "that mention identity groups are flagged unfairly."
)

if st.button("Start with the sample posts", type="primary", icon=":material/play_arrow:"):
    state.request_sample()
    st.switch_page("pages/score.py")
st.caption("300 hand-written posts with toxic and hate labels, or upload your own file on the Score page.")

st.header("Active model")
try:
    with st.spinner("Loading the model (once per server)..."):
        model = resources.get_model()
except ModLensError as exc:
    render.error(str(exc))
    st.stop()

meta = resources.model_metadata(model)
st.subheader(render.escape_markdown(str(meta["name"])))
created = meta.get("created")
if created:
    st.caption(render.escape_markdown(f"Created {created}"))

left, right = st.columns(2)
with left:
    st.markdown("**Labels and thresholds**")
    st.dataframe(
        pd.DataFrame({"label": list(model.labels_), "threshold": [model.thresholds_[x] for x in model.labels_]}),
        hide_index=True,
        column_config={"threshold": st.column_config.NumberColumn(format="%.3f")},
    )
with right:
    headline = meta.get("headline") or {}
    st.markdown("**Headline metrics** (held-out test data)")
    if headline:
        names = [render.metric_name(str(name)) for name in headline]
        metrics = pd.DataFrame({"metric": names, "value": [float(v) for v in headline.values()]})
        metrics = metrics[metrics["value"].map(lambda v: not math.isnan(v))]
        st.dataframe(metrics, hide_index=True, column_config={"value": st.column_config.NumberColumn(format="%.3f")})
    else:
        st.caption("The model's metadata has no headline metrics.")

training = meta.get("training_data") or {}
st.markdown("**Training data**")
if training:
    rows = [
        {"dataset": name, "rows": info.get("rows"), "how the labels were mapped": info.get("mapping", "")}
        for name, info in training.items()
        if isinstance(info, dict)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    sizes = [meta.get("n_train"), meta.get("n_validation")]
    if all(isinstance(v, int) for v in sizes):
        st.caption(f"{sizes[0]:,} training and {sizes[1]:,} validation posts.")
else:
    st.caption("The model's metadata does not describe its training data.")
st.page_link("pages/model.py", label="Full model card", icon=":material/description:")
