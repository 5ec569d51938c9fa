"""The Review page's author view: the other posts of the post's author in the batch, with their counts."""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from core.store.claims import ItemView
from ui import state
from ui.components.safe_text import error, escape_markdown
from ui.components.tables import score_bar
from ui.services import review

KEYS = state.Keys("modlens.review.author")
SHOW = KEYS("show")
"""Widget key of the switch that shows the author's posts."""


def author_section(view: ItemView) -> None:
    """One click away: the author's posts in the batch (text, scores, status, decision) and their counts."""
    if not view.author:
        return
    if not st.toggle(escape_markdown(f"Posts by {view.author}"), key=SHOW):
        return
    try:
        found = review.author_posts(view.batch_id, view.author)
    except ModLensError as exc:
        error(str(exc))
        return
    counts, posts = found.counts, found.posts
    for cell, name in zip(st.columns(len(counts)), review.AUTHOR_COUNTS, strict=True):
        cell.metric(name.capitalize(), f"{counts[name]:,}")
    if len(posts) < counts["posts"]:
        st.caption(f"The last {len(posts):,} of {counts['posts']:,} posts in the file (the counts cover all of them).")
    scores = [c for c in posts.columns if c.startswith("score_")]
    st.dataframe(
        posts[["id", "text", *scores, "status", "action", "reason", "reviewer"]],
        hide_index=True,
        key=KEYS("posts"),
        column_config={"text": st.column_config.TextColumn(width="large"), **{c: score_bar() for c in scores}},
    )
