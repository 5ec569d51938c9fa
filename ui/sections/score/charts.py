"""The Score page's charts: each label's score distribution; with truth, its ROC, precision-recall and confusion."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.plots.curves import pr_figure, roc_figure
from core.plots.scores import confusion_figure, score_histogram
from ui import state
from ui.services.results import ScoredPosts

CHARTS = state.Keys("modlens.chart")
CURVES = (("roc", roc_figure), ("pr", pr_figure), ("confusion", confusion_figure))


def chart_key(kind: str, label: str) -> str:
    """Element key of a chart (``hist``, ``roc``, ``pr``, ``confusion``) of ``label``."""
    return CHARTS(kind, label)


def charts_section(result: ScoredPosts, truth: dict[str, np.ndarray], thresholds: dict[str, float]) -> None:
    """Per label: score distribution with the threshold; with truth, ROC, precision-recall and confusion."""
    for cell, (j, label) in zip(st.columns(len(result.labels)), enumerate(result.labels), strict=False):
        fig = score_histogram(result.scores[:, j], label=label, threshold=thresholds[label], truth=truth.get(label))
        cell.plotly_chart(fig, key=chart_key("hist", label))
    for j, label in enumerate(result.labels):
        if label not in truth:
            continue
        for cell, (name, make) in zip(st.columns(3), CURVES, strict=True):
            figure = make(truth[label], result.scores[:, j], label=label, threshold=thresholds[label])
            cell.plotly_chart(figure, key=chart_key(name, label))
