"""The Admin page's audit log: every state change (who, when, what, before and after), filtered, read-only, exported."""

from __future__ import annotations

import json
from datetime import timedelta

import streamlit as st

from core.errors import ModLensError
from core.store.audit import AuditFilter
from ui import state
from ui.components.safe_text import as_typed, error
from ui.services import admin

KEYS = state.Keys("modlens.admin.audit")
ANY = "(any)"
LIMITS = (100, 1_000, 10_000)
DOWNLOADS = (("Download CSV", ".csv", "text/csv"), ("Download Parquet", ".parquet", "application/vnd.apache.parquet"))
"""Button label, file suffix and MIME type of each export."""


def audit_filter() -> AuditFilter:
    """The filters: days, actor, action, entity type and id, how many events."""
    today = admin.today_utc()
    a, b, c = st.columns(3)
    days = a.date_input(
        "Days (UTC)",
        (today - timedelta(days=6), today),
        key=KEYS("days"),
        max_value=today,
        help="Each day runs from midnight to midnight UTC, as the event times are recorded.",
    )
    person = b.text_input("Actor", key=KEYS("actor"), placeholder="user name")
    action = c.selectbox("Action", [ANY, *admin.AUDIT_ACTIONS], key=KEYS("action"))
    d, e, f = st.columns(3)
    entity = d.selectbox("Entity", [ANY, *admin.ENTITY_TYPES], key=KEYS("entity"))
    entity_id = e.text_input("Entity id", key=KEYS("entity_id"), placeholder="e.g. 12")
    limit = f.selectbox("Newest events shown", LIMITS, index=1, key=KEYS("limit"))
    since = until = None
    if isinstance(days, tuple) and len(days) == 2:
        since, until = admin.day_range(days[0], days[1])
    elif isinstance(days, tuple) and len(days) == 1:
        since, until = admin.day_range(days[0], days[0])
    return AuditFilter(
        since=since,
        until=until,
        actor=as_typed(person) or None,
        action=None if action == ANY else action,
        entity_type=None if entity == ANY else entity,
        entity_id=as_typed(entity_id) or None,
        limit=int(limit),
    )


def audit_section() -> None:
    """The filtered events, newest first, and their export (made when a button is clicked)."""
    where = audit_filter()
    try:
        events = admin.events(where)
    except ModLensError as exc:
        error(str(exc))
        return
    shown = events.assign(
        before=events["before"].map(lambda v: "" if v is None else json.dumps(v, sort_keys=True, default=str)),
        after=events["after"].map(lambda v: "" if v is None else json.dumps(v, sort_keys=True, default=str)),
    )
    st.caption(f"{len(events):,} events, newest first. Events are never changed or deleted.")
    st.dataframe(shown, hide_index=True, key=KEYS("table"))
    try:  # the actor is taken now: Streamlit makes the file outside the script run, without the session
        exports = [admin.events_export(where, suffix) for _, suffix, _ in DOWNLOADS]
    except ModLensError as exc:
        error(str(exc))
        return
    left, right, _ = st.columns([1, 1, 3])
    for cell, (label, suffix, mime), export in zip((left, right), DOWNLOADS, exports, strict=True):
        cell.download_button(
            label,
            data=export,
            file_name=f"modlens-audit{suffix}",
            mime=mime,
            on_click="ignore",
            icon=":material/download:",
            key=KEYS("download", suffix),
        )
