"""The Score page's input: upload a file, use the sample posts or paste posts; pick the text column if needed.

Problems are kept until the next input loads (:func:`error_section` shows them),
so earlier results stay on the page.
"""

from __future__ import annotations

import logging

import streamlit as st

from core.errors import ModLensError
from core.io.posts import SUPPORTED, Posts
from ui import state
from ui.components import upload
from ui.components.safe_text import error
from ui.services import inputs, privacy, session

log = logging.getLogger("modlens.ui")

UPLOAD = "modlens.upload"
"""Widget key of the file uploader."""
UPLOAD_SEEN = "modlens.upload_seen"
"""``(file_id, read result)`` of the last upload handled, so a rerun does not read the same file again."""
PASTE = "modlens.paste"
"""Widget key of the text area for pasted posts."""
PENDING_COLUMNS = "modlens.pending_columns"
"""A file whose text column was not found; the column picker is shown for it."""
TEXT_COLUMN_PICK = "modlens.text_column_pick"
"""Widget key of the text-column picker."""
ERROR = "modlens.error"
"""Message of the last input problem, shown until the next input loads."""
UPLOAD_HELP = (
    f"{SUPPORTED}, up to 200 MB, one post per row. The text column is found by name "
    "(text, comment_text, content, body, post, message, tweet); otherwise you pick it."
)


def set_error(message: str | None) -> None:
    """Remember (or clear, with None) the message of the last input problem."""
    if message is None:
        state.pop(ERROR)
    else:
        state.put(ERROR, message)


def new_posts() -> Posts | None:
    """Posts that are new in this run: from the controls, or from the column picker once confirmed."""
    posts = input_section()
    return posts if posts is not None else column_picker()


def input_section() -> Posts | None:
    """Upload, sample and paste controls; returns posts that are new in this run, if any."""
    upload_col, sample_col = st.columns([3, 1], vertical_alignment="center")
    with upload_col:
        uploaded = st.file_uploader("Upload a file of posts", key=UPLOAD, help=UPLOAD_HELP)
    with sample_col:
        use_sample = st.button("Use sample posts", icon=":material/dataset:", width="stretch")
    with st.expander("Or paste a few posts", icon=":material/edit_note:"):
        pasted = st.text_area("Posts, one per line", key=PASTE, height=140)
        use_paste = st.button("Score pasted posts", icon=":material/play_arrow:")

    try:
        if uploaded is not None:
            loaded, new = upload.read_once(uploaded, UPLOAD_SEEN, upload.read_posts_file)
            if new:
                return _handle_upload(loaded)
        if use_sample or session.take_sample_request():
            return inputs.sample_posts()
        if use_paste:
            return inputs.pasted_posts(pasted or "")
    except ModLensError as exc:
        set_error(str(exc))
    except Exception as exc:  # a reader bug must not take the page down; the log keeps the traceback
        log.exception("Unexpected error while reading input")
        set_error(f"The input could not be read ({type(exc).__name__}). Check the file, or report this problem.")
    return None


def _handle_upload(loaded: Posts | inputs.NeedsTextColumn | str) -> Posts | None:
    """A newly read upload: its posts, or None after storing the problem or the file for the column picker."""
    if isinstance(loaded, str):
        set_error(loaded)
        return None
    if isinstance(loaded, inputs.NeedsTextColumn):
        state.put(PENDING_COLUMNS, loaded)
        state.pop(TEXT_COLUMN_PICK)
        set_error(None)
        return None
    return loaded


def column_picker() -> Posts | None:
    """When the last file had no text column by name: pick one; returns the posts once confirmed."""
    pending: inputs.NeedsTextColumn | None = state.get(PENDING_COLUMNS)
    if pending is None:
        return None
    placeholder = st.empty()
    with placeholder.container(border=True):
        st.warning(
            "No column is named like post text (text, comment_text, content, body, post, message, tweet). "
            "Pick the column that holds the posts.",
            icon=":material/table_view:",
        )
        column = upload.text_column_picker(pending, key=TEXT_COLUMN_PICK)
        st.caption("First rows of the file:")
        first = pending.frame.head(5)
        config = privacy.config_for(pending.content_hash)
        st.dataframe(
            privacy.redact_page(first, pending.content_hash, privacy.text_columns(first), config), hide_index=True
        )
        if st.button("Score this column", type="primary", icon=":material/play_arrow:"):
            try:
                posts = inputs.with_text_column(pending, column)
            except ModLensError as exc:
                set_error(str(exc))
                return None
            placeholder.empty()
            return posts
    return None


def forget_input() -> None:
    """New posts are being scored: forget the previous file's column picker and problem."""
    state.pop(PENDING_COLUMNS)
    set_error(None)


def error_section() -> None:
    """The last input problem, if any, shown literally."""
    message = state.get(ERROR)
    if message:
        error(message)
