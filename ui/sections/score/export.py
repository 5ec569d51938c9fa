"""The Score page's export: CSV and Parquet of all posts or of the filtered view, at the chosen thresholds.

Personal data is redacted in the export as on screen (:mod:`ui.services.privacy`), the whole upload at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.privacy import RedactionConfig
from ui.services import privacy, results
from ui.services.results import ScoredPosts

FORMATS = (
    ("Download CSV", results.export_csv, ".csv", "text/csv"),
    ("Download Parquet", results.export_parquet, ".parquet", "application/vnd.apache.parquet"),
)
"""Button label, exporter, file suffix and MIME type of each download."""
ALL_ROWS = "All posts"
FILTERED = "The filtered view"
ROWS = "modlens.export.rows"
"""Widget key of the choice between exporting all posts and the filtered view."""


def export_bytes(
    export: Callable[..., bytes],
    result: ScoredPosts,
    thresholds: dict[str, float],
    config: RedactionConfig,
    rows: list[int] | None = None,
) -> bytes:
    """The file (all posts, or ``rows``), personal data redacted unless this session revealed the upload."""
    return export(result, thresholds, rows, privacy.redacted_columns(result.posts, config))


def export_section(result: ScoredPosts, thresholds: dict[str, float], view: pd.DataFrame) -> None:
    """CSV and Parquet downloads of all posts or the filtered ``view``, at the chosen thresholds (made when clicked)."""
    chosen = dict(thresholds)
    config = privacy.config_for(result.posts.content_hash)
    which = st.radio(
        "Rows to export",
        [ALL_ROWS, FILTERED],
        key=ROWS,
        horizontal=True,
        format_func=lambda o: f"{o} ({len(result) if o == ALL_ROWS else len(view):,})",
        help="The filtered view is what the table above shows (search, label, flag, score range and language).",
    )
    rows = None if which == ALL_ROWS else [int(r) for r in view.index]
    suffix_note = "" if rows is None else ".filtered"
    csv_col, parquet_col, note_col = st.columns([1, 1, 3], vertical_alignment="center")
    for cell, (label, export, suffix, mime) in zip((csv_col, parquet_col), FORMATS, strict=True):
        cell.download_button(
            label,
            data=functools.partial(export_bytes, export, result, chosen, config, rows),
            file_name=results.export_name(result, suffix_note + suffix),
            mime=mime,
            on_click="ignore",
            icon=":material/download:",
            disabled=rows is not None and not rows,
        )
    hidden = "" if not config.active else " Personal data is redacted (\\<EMAIL\\>, \\<URL\\>, ...)."
    note_col.caption(
        "Scores and flags at the thresholds above. Each row records the thresholds (`threshold_<label>`) and the "
        "model that scored it (`model_name`, `model_version`); posts not named by an id column get `row_number`. "
        "A column of the file with one of these names is kept (the added one is named `... (ModLens)`). "
        "CSV: cells that a spreadsheet would run as a formula are escaped with a leading `'`. Parquet: the same "
        "columns, and the thresholds and model in the file's metadata." + hidden
    )
