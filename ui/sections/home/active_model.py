"""The Home page's active model: its name, labels and thresholds, headline metrics and training data."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from core.model.metadata import ModelMetadata
from core.scoring import Scorer
from ui.components.safe_text import escape_markdown, metric_name
from ui.components.tables import three_decimals
from ui.services.models import model_metadata


def model_section(model: Scorer) -> None:
    """Name and date, labels with thresholds, headline metrics, and the training data with a link to the card."""
    meta = model_metadata(model)
    st.subheader(escape_markdown(meta.name))
    if meta.created:
        st.caption(escape_markdown(f"Created {meta.created}"))
    left, right = st.columns(2)
    with left:
        st.markdown("**Labels and thresholds**")
        labels = list(model.labels_)
        thresholds = pd.DataFrame({"label": labels, "threshold": [model.thresholds_[x] for x in labels]})
        st.dataframe(thresholds, hide_index=True, column_config=three_decimals(["threshold"]))
    with right:
        _headline(meta.headline)
    _training_data(meta)
    st.page_link("pages/model.py", label="Full model card", icon=":material/description:")


def _headline(headline: Mapping[str, float | None]) -> None:
    st.markdown("**Headline metrics** (held-out test data)")
    if not headline:
        st.caption("The model's metadata has no headline metrics.")
        return
    names = [metric_name(str(name)) for name in headline]
    values = [math.nan if v is None else float(v) for v in headline.values()]
    metrics = pd.DataFrame({"metric": names, "value": values})
    metrics = metrics[metrics["value"].map(lambda v: not math.isnan(v))]
    st.dataframe(metrics, hide_index=True, column_config=three_decimals(["value"]))


def _training_data(meta: ModelMetadata) -> None:
    training = meta.training_data
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
    if meta.n_train is not None and meta.n_validation is not None:
        st.caption(f"{meta.n_train:,} training and {meta.n_validation:,} validation posts.")
