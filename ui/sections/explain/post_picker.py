"""The Explain page's post: one of the last scored upload (``?row=N`` or the row box) or a typed one."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui import state
from ui.components.safe_text import escape_markdown, post_text
from ui.services import session
from ui.services.results import ScoredPosts

FROM_UPLOAD = "A post from the upload"
TYPED = "Type a post"
MAX_TYPED_CHARS = 5_000
"""Longest typed post (the default model reads the first 5,000 characters)."""
SOURCE = "modlens.explain.source"
"""Widget key of the choice between a post of the last upload and a typed post."""
ROW = "modlens.explain.row"
"""Widget key of the row-number box that picks the post of the upload to explain."""
ROW_SEEN = "modlens.explain.row_seen"
"""The ``?row=`` value already applied to the row box, so the URL does not undo a later pick."""
TYPED_TEXT = "modlens.explain.typed"
"""Widget key of the text area for a typed post."""


@dataclass(frozen=True)
class Post:
    """The post to explain: its text and, for a post of the upload, its row."""

    text: str
    row: int | None = None


def pick_post(result: ScoredPosts | None) -> Post | None:
    """A post of the last upload (``?row=N`` or the row box) or a typed one; None until there is text."""
    if result is None:
        row = session.linked_row()
        if row is not None:
            st.warning(
                f"Post {row} is not in the current results. Score a file on the Score page first, "
                "or type a post below.",
                icon=":material/search_off:",
            )
        else:
            st.info(
                "No scored upload yet: score a file on the Score page to pick its posts here, or type a post.",
                icon=":material/info:",
            )
        return typed_post()
    _follow_link(result)
    source = st.radio("Post to explain", [FROM_UPLOAD, TYPED], key=SOURCE, horizontal=True)
    if source == TYPED:
        return typed_post()
    return upload_post(result)


def _follow_link(result: ScoredPosts) -> None:
    """Open the post of a new ``?row=N`` (a link from the Score page or the global view); warn if it is not there."""
    raw = st.query_params.get("row")
    row = session.linked_row()
    valid = row is not None and 0 <= row < len(result)
    if raw is not None and not valid:
        st.warning(
            f"Post {escape_markdown(raw)} is not in the current results ({len(result):,} posts). "
            "Pick another one below.",
            icon=":material/search_off:",
        )
    elif raw is not None and raw != state.get(ROW_SEEN):
        state.put(ROW_SEEN, raw)
        state.put(ROW, row)
        state.put(SOURCE, FROM_UPLOAD)
    if state.get(ROW) is None:  # first show, or back from another page
        state.put(ROW, row if valid else 0)


def _row_picked() -> None:
    """Row box callback: the URL and the Score page's selection follow the picked post."""
    row = int(state.get(ROW, 0))
    st.query_params["row"] = str(row)
    state.put(ROW_SEEN, str(row))
    session.open_row(row)


def upload_post(result: ScoredPosts) -> Post:
    """Row box, then the post's number and text (verbatim)."""
    row = int(
        st.number_input(
            "Post number",
            min_value=0,
            max_value=len(result) - 1,
            step=1,
            key=ROW,
            on_change=_row_picked,
            help="The post's row in the results table of the Score page (the first post is 0).",
        )
    )
    session.open_row(row)
    st.subheader(f"Post {row}")
    text = result.posts.texts[row]
    post_text(text)
    return Post(text=text, row=row)


def typed_post() -> Post | None:
    """Text area for a post of one's own; None while it is empty."""
    text = st.text_area(
        "Type or paste a post",
        key=TYPED_TEXT,
        height=110,
        max_chars=MAX_TYPED_CHARS,
        placeholder="Type a post, then press Ctrl+Enter (or click outside the box).",
    )
    if not text or not text.strip():
        st.caption("Type a post to see its scores and which words drive them.")
        return None
    return Post(text=text)


def open_row(row: int) -> None:
    """Button callback: show post ``row`` of the upload at the top of the page (and in the URL)."""
    st.query_params["row"] = str(row)
    state.put(ROW_SEEN, str(row))
    state.put(ROW, row)
    state.put(SOURCE, FROM_UPLOAD)
    session.open_row(row)
    st.toast(f"Post {row} is open at the top of the page.", icon=":material/arrow_upward:")
