"""The Review page's export: one row per post with its latest decision, as CSV (formula-escaped) or Parquet."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.errors import ModLensError
from core.io.export import to_csv_bytes, to_parquet_bytes
from core.store.queues import QueueInfo
from ui import state
from ui.components.safe_text import error
from ui.services import review

KEYS = state.Keys("modlens.review.export")


def _file_name(queue: str, suffix: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in queue)[:80] or "queue"
    return f"{safe}.decisions{suffix}"


def _csv(table: pd.DataFrame) -> bytes:
    return to_csv_bytes(table.assign(decided_at=table["decided_at"].astype("string")))


def csv_bytes(queue: str) -> bytes:
    """The decisions table as CSV, cells and headers a spreadsheet would run escaped."""
    return _csv(review.decisions_table(queue))


def parquet_bytes(queue: str) -> bytes:
    """The decisions table as Parquet (text as written), the queue's name in the metadata."""
    return to_parquet_bytes(review.decisions_table(queue), metadata={"queue": queue})


def csv_file(read: Callable[[], pd.DataFrame]) -> Callable[[], bytes]:
    """A download's ``data``: :func:`csv_bytes` of the table ``read`` returns when the button is clicked."""
    return lambda: _csv(read())


def parquet_file(read: Callable[[], pd.DataFrame], queue: str) -> Callable[[], bytes]:
    """A download's ``data``: :func:`parquet_bytes` of the table ``read`` returns when the button is clicked."""
    return lambda: to_parquet_bytes(read(), metadata={"queue": queue})


def export_section(queue: QueueInfo) -> None:
    """Download buttons; the table is read when a button is clicked (the latest decisions).

    Streamlit makes the file outside the script run, where the session cannot be read, so the
    signed-in actor is taken now (:func:`ui.services.review.decisions_reader`).
    """
    st.caption(
        "One row per post: item_id, the file's id, text, scores, status, action, reason, note, reviewer, "
        "decided_at and model_version. CSV cells a spreadsheet would run as a formula start with '."
    )
    try:
        read = review.decisions_reader(queue.name)
    except ModLensError as exc:
        error(str(exc))
        return
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(
        "Download CSV",
        data=csv_file(read),
        file_name=_file_name(queue.name, ".csv"),
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key=KEYS("csv"),
    )
    right.download_button(
        "Download Parquet",
        data=parquet_file(read, queue.name),
        file_name=_file_name(queue.name, ".parquet"),
        mime="application/vnd.apache.parquet",
        on_click="ignore",
        icon=":material/download:",
        key=KEYS("parquet"),
    )
