"""The Score page's export: CSV and Parquet of the whole scored table at the chosen thresholds.

Personal data is redacted in the export as on screen (:mod:`ui.services.privacy`), the whole upload at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from core.privacy import RedactionConfig
from ui.services import privacy, results
from ui.services.results import ScoredPosts

FORMATS = (
    ("Download CSV", results.export_csv, ".csv", "text/csv"),
    ("Download Parquet", results.export_parquet, ".parquet", "application/vnd.apache.parquet"),
)
"""Button label, exporter, file suffix and MIME type of each download."""


def export_bytes(
    export: Callable[..., bytes], result: ScoredPosts, thresholds: dict[str, float], config: RedactionConfig
) -> bytes:
    """The file, with personal data redacted unless this session revealed the upload (made when clicked)."""
    return export(result, thresholds, privacy.redacted_columns(result.posts, config))


def export_section(result: ScoredPosts, thresholds: dict[str, float]) -> None:
    """CSV and Parquet downloads of the whole scored table at the chosen thresholds (made when clicked)."""
    chosen = dict(thresholds)
    config = privacy.config_for(result.posts.content_hash)
    csv_col, parquet_col, note_col = st.columns([1, 1, 3], vertical_alignment="center")
    for cell, (label, export, suffix, mime) in zip((csv_col, parquet_col), FORMATS, strict=True):
        cell.download_button(
            label,
            data=functools.partial(export_bytes, export, result, chosen, config),
            file_name=results.export_name(result, suffix),
            mime=mime,
            on_click="ignore",
            icon=":material/download:",
        )
    hidden = "" if not config.active else " Personal data is redacted (\\<EMAIL\\>, \\<URL\\>, ...)."
    note_col.caption(
        "All posts with scores and flags at the thresholds above. CSV: cells that a spreadsheet would run "
        "as a formula are escaped with a leading `'`, and `threshold_<label>` columns record the thresholds. "
        "Parquet: the thresholds are in the file's metadata." + hidden
    )
