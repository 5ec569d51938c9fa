"""The reliability curve of a model version: whether its scores mean what they say.

Shown under the versions table for the picked version, from the reliability tables
that training stores with a model (:func:`ui.services.model_tables.reliability`);
a version without them (v3 and older) gets a note instead of an empty chart.
"""

from __future__ import annotations

import math

import streamlit as st

from core.plots.calibration import reliability_figure
from core.registry import ModelVersion
from ui.components.safe_text import escape_markdown
from ui.services.model_tables import reliability
from ui.state import Keys

NO_DATA = (
    "Version {version} has no reliability data: it was trained before ModLens stored calibration checks "
    "(v3 and older) or on data without test splits. Compare its scores with your labels in the Compare tab."
)


def calibration_section(version: ModelVersion, keys: Keys) -> None:
    """One reliability curve per label of ``version`` (observed rate against mean score per bin), or a note."""
    st.subheader("Calibration")
    tables = reliability(version.metadata)
    if not tables:
        st.info(NO_DATA.format(version=version.version), icon=":material/info:")
        return
    st.caption(
        "Posts of the held-out test splits, in ten bins of the score: when the points lie on the diagonal, "
        "a score of 0.7 means about 70% of such posts carry the label, on every dataset pooled. "
        "Bigger points hold more posts."
    )
    columns = st.columns(len(tables))
    for column, (label, (table, ece)) in zip(columns, tables.items(), strict=True):
        column.plotly_chart(reliability_figure(table, label=label), key=keys(f"reliability.{version.version}.{label}"))
        if not math.isnan(ece):
            column.caption(escape_markdown(f"Expected calibration error, {label}: {ece:.3f}"))
