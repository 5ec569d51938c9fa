"""The Home page's active model: its name, labels and thresholds, headline metrics and training data."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

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


ALL_SETS = "_all_sets"
"""Suffix of the headline AUC over every test set, beside the one over the original (v3) test sets."""


def headline_name(key: str, keys: Collection[str]) -> str:
    """Readable name of the headline metric ``key`` among ``keys`` (all of the model's headline metrics).

    A model evaluated on more test sets than the original ones has two mean AUCs per label:
    ``mean_test_roc_auc_<label>`` (the original sets) and ``..._all_sets`` (every set: the
    number the Model page's versions table and the model card show). Their names say which is which.
    """
    if key.endswith(ALL_SETS) and key[: -len(ALL_SETS)] in keys:
        return f"{metric_name(key[: -len(ALL_SETS)])} (every test set, as on the Model page)"
    if key + ALL_SETS in keys:
        return f"{metric_name(key)} (original test sets only)"
    return metric_name(key)


def _headline(headline: Mapping[str, float | None]) -> None:
    st.markdown("**Headline metrics** (held-out test data)")
    if not headline:
        st.caption("The model's metadata has no headline metrics.")
        return
    names = [headline_name(str(name), {str(k) for k in headline}) for name in headline]
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
