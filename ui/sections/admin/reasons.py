"""The Admin page's reason codes: the list reviewers pick from; add one, retire or restore one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import ModLensError
from core.store.schema import ACTIONS
from ui import state
from ui.components.safe_text import error, escape_markdown
from ui.services import admin

KEYS = state.Keys("modlens.admin.reasons")
DONE = KEYS("done")
"""``(kind, message)`` of the last change, shown once."""


def _toggle(code: str, active: bool) -> None:
    try:
        admin.set_reason_active(code, active)
    except ModLensError as exc:
        state.put(DONE, ("error", str(exc)))
        return
    state.put(DONE, ("success", f"Reason '{code}' is {'back in use' if active else 'retired'}."))


def reasons_section() -> None:
    """The reason codes, a form for a new one, and retire / restore."""
    done = state.pop(DONE)
    if done:
        if done[0] == "error":
            error(done[1])
        else:
            st.success(escape_markdown(done[1]), icon=":material/check_circle:")
    try:
        codes = admin.all_reasons()
    except ModLensError as exc:
        error(str(exc))
        return
    st.dataframe(
        pd.DataFrame(
            {
                "code": [r.code for r in codes],
                "label": [r.label for r in codes],
                "actions": [", ".join(r.actions) for r in codes],
                "in use": [r.active for r in codes],
            }
        ),
        hide_index=True,
        key=KEYS("table"),
    )
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    code = left.selectbox("Reason code", [r.code for r in codes], key=KEYS("pick"))
    chosen = next((r for r in codes if r.code == code), None)
    if chosen is not None:
        right.button(
            "Retire" if chosen.active else "Use again",
            key=KEYS("toggle"),
            on_click=_toggle,
            args=(chosen.code, not chosen.active),
            help="Retired codes stay on the decisions that used them; reviewers no longer see them.",
        )
    with st.form(KEYS("add"), clear_on_submit=True):
        st.markdown("**Add a reason code**")
        a, b = st.columns([1, 2])
        new_code = a.text_input("Code", key=KEYS("code"), help="Lower-case letters, digits, '_' or '-'.")
        label = b.text_input("Label reviewers see", key=KEYS("label"))
        actions = st.multiselect("For the actions", list(ACTIONS), key=KEYS("actions"))
        if not st.form_submit_button("Add the reason", icon=":material/add:"):
            return
    try:
        admin.add_reason(new_code, label, actions)
    except ModLensError as exc:
        error(str(exc))
        return
    state.put(DONE, ("success", f"Reason '{new_code.strip()}' added."))  # shown after the rerun
    st.rerun()
