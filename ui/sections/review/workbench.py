"""The Review page's workbench: claim the next post, see it with its evidence, decide it, go back and forth.

Keyboard: **A** approve, **X** remove, **E** escalate, **S** skip, **←** previous, **→** next
(Streamlit's button shortcuts; they do nothing while the cursor is in the note). A decision
records the reason, the note and the seconds the post was on screen; the claim (a lease)
keeps the post for this reviewer across reloads until it is decided.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.errors import ModLensError
from core.scoring import Scorer
from core.store.claims import ItemView
from core.store.queues import QueueInfo
from ui import state
from ui.components.safe_text import error, escape_markdown
from ui.sections.review import author, evidence
from ui.services import batches, models, review
from ui.services.model_ref import ModelRef
from ui.services.review import Mine

KEYS = state.Keys("modlens.review.work")
NOTICE = KEYS("notice")
"""``(kind, message)`` of the last decision, shown once above the next post."""
NO_REASON = ""
SHORTCUTS = {"approve": "A", "remove": "X", "escalate": "E", "skip": "S"}
"""Keyboard shortcut of each action (``R`` and ``C`` are reserved by Streamlit)."""
ICONS = {
    "approve": ":material/check_circle:",
    "remove": ":material/delete:",
    "escalate": ":material/priority_high:",
    "skip": ":material/skip_next:",
}
RECENT_ROWS = 10


def reason_key(item_id: int) -> str:
    """Widget key of the reason picker of one post."""
    return KEYS("reason", str(item_id))


def note_key(item_id: int) -> str:
    """Widget key of the note of one post."""
    return KEYS("note", str(item_id))


def draft_key(field: str, item_id: int) -> str:
    """Session key (not a widget's) of the reason or note (``field``) typed on one post and not yet decided.

    Widget state is dropped by Streamlit in a run that does not draw the widget (going
    back to a decided post with Previous); the draft survives it and seeds the widget again.
    """
    return KEYS("draft", field, str(item_id))


def _keep_draft(field: str, widget: str, item_id: int) -> None:
    """Widget callback: remember what was typed or picked on the post."""
    state.put(draft_key(field, item_id), state.get(widget))


def _seed(field: str, widget: str, item_id: int) -> None:
    """Give a widget that is drawn anew the draft of its post, if there is one (before the widget is created)."""
    draft = state.get(draft_key(field, item_id))
    if draft is not None and state.get(widget) is None:
        state.put(widget, draft)


def _forget_draft(item_id: int) -> None:
    """Drop the reason and note of a decided post (its widgets and its drafts)."""
    for key in (reason_key(item_id), note_key(item_id), draft_key("reason", item_id), draft_key("note", item_id)):
        state.pop(key)


def action_key(action: str) -> str:
    """Widget key of an action's button."""
    return KEYS("action", action)


def _decide(queue: str, view: ItemView, action: str) -> None:
    """Button callback: record the decision with the chosen reason and note; the next run shows the next post."""
    item_id = view.item_id
    reason = state.get(reason_key(item_id), state.get(draft_key("reason", item_id))) or None
    note = state.get(note_key(item_id), state.get(draft_key("note", item_id)))
    try:
        info = review.decide(queue, view, action, reason, note)
    except ModLensError as exc:
        state.put(NOTICE, ("error", str(exc)))
        return
    _forget_draft(item_id)
    why = f" ({info.reason})" if info.reason else ""
    state.put(NOTICE, ("success", f"{review.ACTION_NAMES[action]}{why}: post {view.external_id}."))


def _notice() -> None:
    notice = state.pop(NOTICE)
    if not notice:
        return
    kind, message = notice
    if kind == "error":
        error(message)
    else:
        st.toast(escape_markdown(message), icon=":material/check_circle:")


def workbench_section(queue: QueueInfo, model: tuple[Scorer, ModelRef] | None) -> None:
    """The claimed post (or a decided one, going back) with its evidence and the decision panel."""
    _notice()
    trail = review.trail_of(queue.name)
    opened = trail.current()
    try:
        view = review.item(opened.item_id) if opened is not None else review.claim(queue.name)
    except ModLensError as exc:
        error(str(exc))
        return
    if view is None:
        st.success(
            "Nothing left for you in this queue: every post is decided or held by another reviewer.",
            icon=":material/celebration:",
        )
        _navigation(queue.name, trail)
        recent_section(queue.name)
        return
    post_col, decide_col = st.columns([3, 2], gap="large")
    with post_col:
        evidence.post_section(view)
        author.author_section(view)
    with decide_col:
        _decision_panel(queue.name, view, opened)
        _navigation(queue.name, trail)
    if model is not None:
        scorer, ref, whose = scoring_model(view, model)
        evidence.explanation_section(view, scorer, ref.version, whose)
    recent_section(queue.name)


def scoring_model(view: ItemView, active: tuple[Scorer, ModelRef]) -> tuple[Scorer, ModelRef, str]:
    """The model that scored the post (as its batch names it) and whose explanation the page shows.

    The words must explain the scores shown, which are that model's: when another version is
    active now, that version is loaded (once per server). When it is gone or cannot be loaded,
    the active model explains the post, and the caption says so.
    """
    scorer, ref = active
    found = batches.version_named(view.model_version)
    if found is not None and not (found[0].same_model(ref) and found[0].version == ref.version):
        try:
            with st.spinner(escape_markdown(f"Loading {found[0].title}, the model that scored this post...")):
                return models.model_for(found[0]), found[0], f"the explanation of {found[0].title}, which scored it"
        except ModLensError:
            pass
    if found is None:
        return scorer, ref, f"the active model's explanation, {ref.title}: the model that scored it is gone"
    return scorer, ref, f"the explanation of {ref.title}, which scored it"


def _decision_panel(queue: str, view: ItemView, opened: Mine | None) -> None:
    """Reason, note and the four action buttons (with their shortcuts)."""
    if opened is not None:
        why = f" ({opened.reason})" if opened.reason else ""
        st.info(
            escape_markdown(
                f"You decided {opened.action}{why}. Deciding again replaces your decision (the history keeps both)."
            ),
            icon=":material/history:",
        )
    reasons = review.reasons_for()
    labels = {r.code: f"{r.label} ({', '.join(r.actions)})" for r in reasons}
    item_id = view.item_id
    if state.get(draft_key("reason", item_id)) not in (None, *labels):
        state.pop(draft_key("reason", item_id))  # a reason code retired since
    _seed("reason", reason_key(item_id), item_id)
    _seed("note", note_key(item_id), item_id)
    st.selectbox(
        "Reason",
        [NO_REASON, *labels],
        format_func=lambda code: labels.get(code, "(no reason)"),
        key=reason_key(item_id),
        on_change=_keep_draft,
        args=("reason", reason_key(item_id), item_id),
        help="A reason fits some actions only: the list says which.",
    )
    st.text_area(
        "Note (optional)",
        key=note_key(item_id),
        height=80,
        max_chars=5_000,
        on_change=_keep_draft,
        args=("note", note_key(item_id), item_id),
    )
    top, bottom = st.columns(2), st.columns(2)
    for cell, action in zip([*top, *bottom], SHORTCUTS, strict=True):
        cell.button(
            review.ACTION_NAMES[action],
            key=action_key(action),
            icon=ICONS[action],
            shortcut=SHORTCUTS[action],
            on_click=_decide,
            args=(queue, view, action),
            width="stretch",
        )
    seconds = review.seconds_on(view.item_id)
    if seconds is not None:
        st.caption(f"On this post for {seconds:.0f} s (recorded with the decision).")


def _navigation(queue: str, trail: review.Trail) -> None:
    """Previous / Next through the posts decided here (Next ends at the claimed post)."""
    at = trail.position if trail.position is not None else len(trail.decided)
    left, right = st.columns(2)
    step: Callable[[str, int], None] = review.step
    left.button(
        "Previous",
        key=KEYS("previous"),
        icon=":material/arrow_back:",
        shortcut="Left",
        disabled=at == 0,
        on_click=step,
        args=(queue, -1),
        width="stretch",
    )
    right.button(
        "Next",
        key=KEYS("next"),
        icon=":material/arrow_forward:",
        shortcut="Right",
        disabled=trail.position is None,
        on_click=step,
        args=(queue, 1),
        width="stretch",
    )
    where = "the next post to decide" if trail.position is None else f"decided post {at + 1} of {len(trail.decided)}"
    st.caption(f"Showing {where}.")


def recent_section(queue: str) -> None:
    """The reviewer's latest decisions in this queue (from the database: they survive reloads and restarts)."""
    try:
        mine = review.my_decisions(queue, RECENT_ROWS)
    except ModLensError as exc:
        error(str(exc))
        return
    if not mine:
        return
    st.markdown("**Your latest decisions in this queue**")
    st.dataframe(
        pd.DataFrame(
            {
                "post": [m.external_id for m in reversed(mine)],
                "action": [m.action for m in reversed(mine)],
                "reason": [m.reason or "" for m in reversed(mine)],
                "decided at": [m.decided_at for m in reversed(mine)],
            }
        ),
        hide_index=True,
        key=KEYS("recent"),
    )
