"""The Review page's queue picker (kept in the URL as ``?queue=NAME``, so a reload opens the same queue) and view."""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from core.store.queues import QueueInfo
from ui import state
from ui.components.safe_text import error
from ui.services import review

KEYS = state.Keys("modlens.review.pick")
QUEUE = KEYS("queue")
"""Widget key of the queue picker."""
VIEW = KEYS("view")
"""Widget key of the view switch."""
WORK, BULK, PROGRESS, EXPORT = "Review posts", "Bulk decisions", "Progress and agreement", "Export"
VIEWS = (WORK, BULK, PROGRESS, EXPORT)


def pick_queue() -> QueueInfo | None:
    """The queue to work on (``?queue=NAME`` first), or None after saying there is none."""
    try:
        queues = review.list_queues()
    except ModLensError as exc:
        error(str(exc))
        return None
    if not queues:
        st.info(
            "No review queue yet. On the Score page, score or reopen a batch and use Send to review.",
            icon=":material/inbox:",
        )
        st.page_link("pages/score.py", label="Go to the Score page", icon=":material/fact_check:")
        return None
    by_name = {q.name: q for q in queues}
    if state.get(QUEUE) not in by_name:  # a new session (a reload, a link): the URL's queue, else the newest
        wanted = st.query_params.get("queue")
        state.put(QUEUE, wanted if wanted in by_name else queues[0].name)
    name = st.selectbox(
        "Queue",
        list(by_name),
        format_func=lambda n: f"{n} · {by_name[n].done:,} of {by_name[n].total:,} done · {by_name[n].file_name}",
        key=QUEUE,
    )
    if st.query_params.get("queue") != name:
        st.query_params["queue"] = name
    return by_name[name]


def pick_view() -> str:
    """Which part of the page to show: reviewing posts, bulk decisions, progress or the export."""
    return st.segmented_control("View", VIEWS, default=WORK, required=True, key=VIEW, label_visibility="collapsed")
