"""The Score page's "Send to review": posts of the saved batch, chosen by a rule or by the table's filters, to a queue.

Rules (:mod:`core.store.rules`): flagged for a label at the thresholds above, a score
range, posts that mention an identity group, a quality-control sample of unflagged
posts, the posts the table shows, or all posts. Reviewers then decide them on the
Review page.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from core.errors import ModLensError
from core.store.roles import Permission
from core.store.rules import AllPosts, Flagged, IdentityGroup, PickedRows, QualitySample, Rule, ScoreRange
from ui import state
from ui.components.safe_text import error, escape_markdown
from ui.services import auth, batches, bias, review
from ui.services.results import ScoredPosts

KEYS = state.Keys("modlens.send")
ANY = "any label"
FLAGGED, RANGE, GROUP, SAMPLE, SHOWN, ALL = (
    "Flagged for a label",
    "Score range",
    "Mentions an identity group",
    "Quality-control sample of unflagged posts",
    "The posts the table shows",
    "All posts",
)
KINDS = (FLAGGED, RANGE, GROUP, SAMPLE, SHOWN, ALL)


def _rule(kind: str, result: ScoredPosts, shown: pd.DataFrame) -> tuple[Rule, str] | None:
    """The rule for ``kind`` from its settings, and a short slug for the queue's name."""
    labels = list(result.labels)
    if kind == FLAGGED:
        label = st.selectbox("Label", [ANY, *labels], key=KEYS("flag_label"))
        st.caption("At the thresholds above (they are saved with the batch).")
        return Flagged(None if label == ANY else label), f"flagged-{'any' if label == ANY else label}"
    if kind == RANGE:
        left, right = st.columns([1, 2])
        label = left.selectbox("Label", labels, key=KEYS("range_label"))
        low, high = right.slider("Score between", 0.0, 1.0, (0.3, 0.7), step=0.01, key=KEYS("range"))
        return ScoreRange(label, float(low), float(high)), f"{label}-{low:.2f}-{high:.2f}"
    if kind == GROUP:
        group = st.selectbox("Identity group", list(bias.lexicon().groups), key=KEYS("group"))
        return IdentityGroup(group), f"group-{group}"
    if kind == SAMPLE:
        size = st.number_input("Posts in the sample", 1, 10_000, 50, key=KEYS("sample"))
        return QualitySample(int(size)), f"qc-{int(size)}"
    if kind == SHOWN:
        st.caption(f"The {len(shown):,} posts the table's filters show now.")
        if shown.empty:
            return None
        return PickedRows(tuple(int(r) for r in shown.index), "shown by the Score page's filters"), "picked"
    return AllPosts(), "all"


def _free_name(base: str, taken: set[str]) -> str:
    name = base
    number = 2
    while name in taken:
        name = f"{base}-{number}"
        number += 1
    return name


def send_section(result: ScoredPosts, shown: pd.DataFrame) -> None:
    """Choose posts of the saved batch and create a review queue; the batch's queues with their progress."""
    ref = batches.saved_ref(result)
    if ref is None or not auth.can(Permission.CREATE_QUEUE):
        st.caption("Only saved uploads can be sent to review.")
        return
    try:
        existing = review.list_queues()
    except ModLensError as exc:
        error(str(exc))
        return
    kind = st.selectbox("Which posts", KINDS, key=KEYS("kind"))
    made = _rule(kind, result, shown)
    if made is None:
        st.caption("No post is shown: change the filters above.")
        return
    rule, slug = made
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", result.posts.source_name.rsplit("/", 1)[-1].rsplit(".", 1)[0])[:40]
    default = _free_name(f"{stem or 'posts'}-b{ref.id}-{slug}", {q.name for q in existing})
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    name = left.text_input("Queue name", value=default, max_chars=100, key=KEYS("name", slug))
    double = right.checkbox(
        "Two reviewers per post",
        key=KEYS("double"),
        help="Each post goes to two different reviewers, so the Review page can measure their agreement.",
    )
    if st.button("Send to review", type="primary", icon=":material/outbox:", key=KEYS("send")):
        try:
            made_queue = review.send_to_review(ref.id, name, rule, 2 if double else 1)
        except ModLensError as exc:
            error(str(exc))
        else:
            already = f" ({made_queue.already_queued:,} matching posts were already in other queues)"
            st.success(
                escape_markdown(
                    f"Queue '{made_queue.name}' has {made_queue.size:,} posts: {made_queue.rule_text}"
                    + (already if made_queue.already_queued else "")
                    + "."
                ),
                icon=":material/task_alt:",
            )
            if auth.can(Permission.REVIEW):
                st.page_link(
                    "pages/review.py",
                    label=escape_markdown(f"Review {made_queue.name}"),
                    icon=":material/task_alt:",
                    query_params={"queue": made_queue.name},
                )
    queues_table(ref.id)


def queues_table(batch_id: int) -> None:
    """The queues made from this batch, with posts done and left."""
    try:
        mine = review.list_queues(batch_id)
    except ModLensError as exc:
        error(str(exc))
        return
    if not mine:
        return
    st.dataframe(
        pd.DataFrame(
            {
                "queue": [q.name for q in mine],
                "posts": [q.total for q in mine],
                "done": [q.done for q in mine],
                "left": [q.pending for q in mine],
                "rule": [q.rule_text for q in mine],
                "reviews per post": [q.reviews_required for q in mine],
                "created by": [q.created_by for q in mine],
            }
        ),
        hide_index=True,
        key=KEYS("queues"),
    )
