"""The Score page's quick metrics: precision, recall, F1 and AUCs at the chosen thresholds, per labelled label."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ui.components.tables import three_decimals
from ui.services import results
from ui.services.results import ScoredPosts

SHOWN = ("label", "n", "positives", "threshold", "precision", "recall", "f1", "roc_auc", "pr_auc", "flagged")


def metrics_section(result: ScoredPosts, truth: dict[str, np.ndarray], thresholds: dict[str, float]) -> None:
    """Quick metrics at the chosen thresholds for labels with a truth column."""
    rows = []
    for label, values in truth.items():
        j = result.labels.index(label)
        rows.append({"label": label, **results.label_metrics(values, result.scores[:, j], thresholds[label])})
    if rows:
        keep = list(SHOWN)
        st.dataframe(pd.DataFrame(rows)[keep], hide_index=True, column_config=three_decimals(keep[3:9]))
