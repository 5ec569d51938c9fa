"""The Score page's export: CSV and Parquet of the whole scored table at the chosen thresholds."""

from __future__ import annotations

import functools

import streamlit as st

from ui.services import results
from ui.services.results import ScoredPosts

FORMATS = (
    ("Download CSV", results.export_csv, ".csv", "text/csv"),
    ("Download Parquet", results.export_parquet, ".parquet", "application/vnd.apache.parquet"),
)
"""Button label, exporter, file suffix and MIME type of each download."""


def export_section(result: ScoredPosts, thresholds: dict[str, float]) -> None:
    """CSV and Parquet downloads of the whole scored table at the chosen thresholds (made when clicked)."""
    chosen = dict(thresholds)
    csv_col, parquet_col, note_col = st.columns([1, 1, 3], vertical_alignment="center")
    for cell, (label, export, suffix, mime) in zip((csv_col, parquet_col), FORMATS, strict=True):
        cell.download_button(
            label,
            data=functools.partial(export, result, chosen),
            file_name=results.export_name(result, suffix),
            mime=mime,
            on_click="ignore",
            icon=":material/download:",
        )
    note_col.caption(
        "All posts with scores and flags at the thresholds above. CSV: cells that a spreadsheet would run "
        "as a formula are escaped with a leading `'`, and `threshold_<label>` columns record the thresholds. "
        "Parquet: the thresholds are in the file's metadata."
    )
