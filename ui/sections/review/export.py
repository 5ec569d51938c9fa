"""The Review page's export: one row per post with its latest decision, as CSV (formula-escaped) or Parquet."""

from __future__ import annotations

import streamlit as st

from core.io.export import to_csv_bytes, to_parquet_bytes
from core.store.queues import QueueInfo
from ui import state
from ui.services import review

KEYS = state.Keys("modlens.review.export")


def _file_name(queue: str, suffix: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in queue)[:80] or "queue"
    return f"{safe}.decisions{suffix}"


def csv_bytes(queue: str) -> bytes:
    """The decisions table as CSV, cells and headers a spreadsheet would run escaped."""
    table = review.decisions_table(queue)
    return to_csv_bytes(table.assign(decided_at=table["decided_at"].astype("string")))


def parquet_bytes(queue: str) -> bytes:
    """The decisions table as Parquet (text as written), the queue's name in the metadata."""
    return to_parquet_bytes(review.decisions_table(queue), metadata={"queue": queue})


def export_section(queue: QueueInfo) -> None:
    """Download buttons; the table is read when a button is clicked (the latest decisions)."""
    st.caption(
        "One row per post: item_id, the file's id, text, scores, status, action, reason, note, reviewer, "
        "decided_at and model_version. CSV cells a spreadsheet would run as a formula start with '."
    )
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(
        "Download CSV",
        data=lambda: csv_bytes(queue.name),
        file_name=_file_name(queue.name, ".csv"),
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key=KEYS("csv"),
    )
    right.download_button(
        "Download Parquet",
        data=lambda: parquet_bytes(queue.name),
        file_name=_file_name(queue.name, ".parquet"),
        mime="application/vnd.apache.parquet",
        on_click="ignore",
        icon=":material/download:",
        key=KEYS("parquet"),
    )
