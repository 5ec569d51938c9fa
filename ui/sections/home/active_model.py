"""The Home page's active model: its name, labels and thresholds, headline metrics and training data."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from core.scoring import Scorer
from ui.components.safe_text import escape_markdown, metric_name
from ui.components.tables import three_decimals
from ui.services.models import model_metadata


def model_section(model: Scorer) -> None:
    """Name and date, labels with thresholds, headline metrics, and the training data with a link to the card."""
    meta = model_metadata(model)
    st.subheader(escape_markdown(str(meta["name"])))
    created = meta.get("created")
    if created:
        st.caption(escape_markdown(f"Created {created}"))
    left, right = st.columns(2)
    with left:
        st.markdown("**Labels and thresholds**")
        labels = list(model.labels_)
        thresholds = pd.DataFrame({"label": labels, "threshold": [model.thresholds_[x] for x in labels]})
        st.dataframe(thresholds, hide_index=True, column_config=three_decimals(["threshold"]))
    with right:
        _headline(meta.get("headline") or {})
    _training_data(meta)
    st.page_link("pages/model.py", label="Full model card", icon=":material/description:")


def _headline(headline: dict) -> None:
    st.markdown("**Headline metrics** (held-out test data)")
    if not headline:
        st.caption("The model's metadata has no headline metrics.")
        return
    names = [metric_name(str(name)) for name in headline]
    metrics = pd.DataFrame({"metric": names, "value": [float(v) for v in headline.values()]})
    metrics = metrics[metrics["value"].map(lambda v: not math.isnan(v))]
    st.dataframe(metrics, hide_index=True, column_config=three_decimals(["value"]))


def _training_data(meta: dict) -> None:
    training = meta.get("training_data") or {}
    st.markdown("**Training data**")
    if not training:
        st.caption("The model's metadata does not describe its training data.")
        return
    rows = [
        {"dataset": name, "rows": info.get("rows"), "how the labels were mapped": info.get("mapping", "")}
        for name, info in training.items()
        if isinstance(info, dict)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    sizes = [meta.get("n_train"), meta.get("n_validation")]
    if all(isinstance(v, int) for v in sizes):
        st.caption(f"{sizes[0]:,} training and {sizes[1]:,} validation posts.")
