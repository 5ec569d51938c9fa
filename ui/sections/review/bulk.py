"""The Review page's bulk decisions: decide every pending post in a score range at once, after a confirmation.

Each post gets its own decision, recorded with the rule (e.g. ``score_toxic <= 0.05``);
posts another reviewer holds are left alone.
"""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from core.store.decisions import ScoreFilter
from core.store.queues import QueueInfo
from core.store.schema import ACTIONS
from ui import state
from ui.components.safe_text import error, escape_markdown
from ui.services import review

KEYS = state.Keys("modlens.review.bulk")
CONFIRM = KEYS("confirm")
"""``(queue, action, filter, reason, note, count)`` waiting for the reviewer's confirmation."""
DONE = KEYS("done")
"""Message of the last bulk decision, shown once."""


def _apply(queue: str, action: str, where: ScoreFilter, reason: str | None, note: str | None) -> None:
    """Confirm button callback: decide the posts in one transaction."""
    state.pop(CONFIRM)
    try:
        result = review.bulk_decide(queue, action, where, reason, note)
    except ModLensError as exc:
        state.put(DONE, ("error", str(exc)))
        return
    held = f"; {result.skipped_claimed:,} held by other reviewers were left" if result.skipped_claimed else ""
    state.put(DONE, ("success", f"{review.ACTION_NAMES[action]}: {result.decided:,} posts ({result.rule_text}){held}."))


def bulk_section(queue: QueueInfo, labels: tuple[str, ...]) -> None:
    """Pick a label, a score range, the action and a reason; see how many posts match; confirm."""
    done = state.pop(DONE)
    if done:
        kind, message = done
        if kind == "error":
            error(message)
        else:
            st.success(escape_markdown(message), icon=":material/done_all:")
    st.caption(
        "Decide every pending post of the queue whose score lies in a range, e.g. approve every post below 0.05. "
        "Each post is recorded with the rule that decided it."
    )
    a, b, c = st.columns([1, 2, 1])
    label = a.selectbox("Label", labels, key=KEYS("label"))
    low, high = b.slider("Score between", 0.0, 1.0, (0.0, 0.05), step=0.01, key=KEYS("range"))
    action = c.selectbox("Action", [x for x in ACTIONS if x != "skip"], key=KEYS("action"))
    fitting = review.reasons_for(action)
    reason = st.selectbox(
        "Reason",
        ["", *(r.code for r in fitting)],
        format_func=lambda code: next((r.label for r in fitting if r.code == code), "(no reason)"),
        key=KEYS("reason", action),
    )
    note = st.text_input("Note (optional)", key=KEYS("note"), max_chars=5_000)
    where = ScoreFilter(label, None if low <= 0.0 else float(low), None if high >= 1.0 else float(high))
    if where.min_score is None and where.max_score is None:
        st.caption("Narrow the score range: a bulk decision over every score is not allowed.")
        return
    try:
        count = review.count_matching(queue.name, where)
    except ModLensError as exc:
        error(str(exc))
        return
    st.markdown(escape_markdown(f"{count:,} pending posts match {where.describe()}."))
    pending = (queue.name, action, where, reason or None, note or None, count)
    if st.button(
        f"{review.ACTION_NAMES[action]} {count:,} posts...",
        key=KEYS("ask"),
        disabled=count == 0,
        icon=":material/done_all:",
    ):
        state.put(CONFIRM, pending)
    asked = state.get(CONFIRM)
    if asked is None or asked[:5] != pending[:5]:
        return
    with st.container(border=True):
        st.warning(
            escape_markdown(
                f"{review.ACTION_NAMES[action]} {count:,} posts of '{queue.name}' with {where.describe()}"
                f"{f' (reason {reason})' if reason else ''}? This cannot be undone, only decided again post by post."
            ),
            icon=":material/warning:",
        )
        yes, no, _ = st.columns([1, 1, 3])
        yes.button(
            "Yes, decide them",
            type="primary",
            key=KEYS("yes"),
            on_click=_apply,
            args=(queue.name, action, where, reason or None, note or None),
        )
        no.button("Cancel", key=KEYS("no"), on_click=state.pop, args=(CONFIRM,))
