"""The Explain page's post: one of the last scored upload (``?post=ID`` or the picker) or a typed one.

Posts are named as everywhere: by the file's id column, else by their 1-based row number.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.privacy import RedactionConfig
from ui import state
from ui.components.safe_text import escape_markdown, post_text
from ui.services import privacy, session
from ui.services.results import ScoredPosts

FROM_UPLOAD = "A post from the upload"
TYPED = "Type a post"
MAX_TYPED_CHARS = 5_000
"""Longest typed post (the default model reads the first 5,000 characters)."""
SOURCE = "modlens.explain.source"
"""Widget key of the choice between a post of the last upload and a typed post."""
ROW = "modlens.explain.row"
"""Widget key of the select box that picks the post of the upload to explain (its position)."""
NAME = "modlens.explain.post_name"
"""Widget key of the box where the post's name is typed, for uploads too long for a select box."""
ROW_SEEN = "modlens.explain.row_seen"
"""The ``?post=`` value already applied to the picker, so the URL does not undo a later pick."""
PICK_LIMIT = 5_000
"""Uploads with more posts pick the post by typing its name (a select box of more would be slow)."""
HIDDEN_NOTE = "Personal data is hidden (\\<EMAIL\\>, \\<URL\\>, ...); scores and words use the post as written."
TYPED_TEXT = "modlens.explain.typed"
"""Widget key of the text area for a typed post."""


@dataclass(frozen=True)
class Post:
    """The post to explain: its text and, for a post of the upload, its row and what to redact when showing it.

    ``redaction`` is None for a typed post (the user's own text, shown as typed).
    """

    text: str
    row: int | None = None
    redaction: RedactionConfig | None = None

    @property
    def redacting(self) -> bool:
        """True when some personal data of this post is hidden wherever it is shown."""
        return self.redaction is not None and bool(self.redaction.active)

    @property
    def shown(self) -> str:
        """The post as shown: redacted unless revealed (typed posts as typed)."""
        return privacy.redacted_post(self.text, self.redaction).text if self.redacting else self.text


def pick_post(result: ScoredPosts | None) -> Post | None:
    """A post of the last upload (``?post=ID`` or the picker) or a typed one; None until there is text."""
    if result is None:
        name = session.linked_post()
        if name is not None:
            st.warning(
                escape_markdown(
                    f"Post {name} is not in the current results. Score a file on the Score page first, "
                    "or type a post below."
                ),
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
    """Open the post of a new ``?post=ID`` (a link from the Score page or the global view); warn if it is not there."""
    raw = st.query_params.get(session.POST_PARAM)
    row = session.linked_row(result)
    if raw is not None and row is None:
        st.warning(
            escape_markdown(
                f"Post {raw} is not in the current results ({len(result):,} posts). Pick another one below."
            ),
            icon=":material/search_off:",
        )
    elif raw is not None and raw != state.get(ROW_SEEN):
        state.put(ROW_SEEN, raw)
        _show(result, row)
        state.put(SOURCE, FROM_UPLOAD)
    if state.get(ROW) is None and state.get(NAME) is None:  # first show, or back from another page
        _show(result, row if row is not None else 0)


def _show(result: ScoredPosts, row: int) -> None:
    """Put post ``row`` into the picker (a select box, or the name box of a long upload)."""
    if len(result) <= PICK_LIMIT:
        state.put(ROW, row)
    else:
        state.put(NAME, result.name_of(row))


def _picked(result: ScoredPosts) -> None:
    """Picker callback: the URL and the Score page's selection follow the picked post."""
    row = _picked_row(result)
    if row is None:
        return
    name = result.name_of(row)
    st.query_params[session.POST_PARAM] = name
    state.put(ROW_SEEN, name)
    session.open_row(row)


def _picked_row(result: ScoredPosts) -> int | None:
    if len(result) <= PICK_LIMIT:
        row = state.get(ROW)
        return None if row is None else int(row)
    return result.row_of(str(state.get(NAME) or ""))


def upload_post(result: ScoredPosts) -> Post | None:
    """The post picker (by the post's id, else its row number), then the post's name and text (verbatim)."""
    about = (
        f"Posts are named by the file's '{result.id_col}' column."
        if result.id_col
        else "Posts are numbered by their row in the file (the first post is 1)."
    )
    if len(result) <= PICK_LIMIT:
        row = st.selectbox(
            "Post",
            range(len(result)),
            format_func=result.name_of,
            key=ROW,
            on_change=_picked,
            args=(result,),
            help=escape_markdown(about),
        )
    else:
        typed = st.text_input("Post", key=NAME, on_change=_picked, args=(result,), help=escape_markdown(about))
        row = result.row_of(typed)
        if row is None:
            st.warning(escape_markdown(f"No post is named '{typed}'. {about}"), icon=":material/search_off:")
            return None
    row = int(row)
    session.open_row(row)
    st.subheader(escape_markdown(f"Post {result.name_of(row)}"))
    posts = result.posts
    text = posts.texts[row]
    config = privacy.config_for(posts.content_hash)
    post_text(privacy.shown_text(posts.content_hash, row, text, config, column=str(posts.text_col)))
    if config.active:
        st.caption(HIDDEN_NOTE)
    return Post(text=text, row=row, redaction=config)


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


def open_row(result: ScoredPosts, row: int) -> None:
    """Button callback: show post ``row`` of the upload at the top of the page (and in the URL)."""
    name = result.name_of(row)
    st.query_params[session.POST_PARAM] = name
    state.put(ROW_SEEN, name)
    _show(result, row)
    state.put(SOURCE, FROM_UPLOAD)
    session.open_row(row)
    st.toast(escape_markdown(f"Post {name} is open at the top of the page."), icon=":material/arrow_upward:")
