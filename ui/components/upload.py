"""Uploading a file: read it once per file, and pick its text column and label columns.

Used by the Score, Bias and Model pages. The page hands in the keys of its own
feature (the uploader's, the picker's, where the read result is kept).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.errors import ModLensError
from core.io.posts import Posts
from ui import state
from ui.services.inputs import NeedsTextColumn, load_upload

log = logging.getLogger("modlens.ui")

T = TypeVar("T")


def read_once(uploaded: Any, store: str, read: Callable[[str, bytes], T]) -> tuple[T, bool]:
    """``read(name, bytes)`` of an uploaded file, computed once per file and kept under the key ``store``.

    Returns the result and whether it was read in this run (a new file).
    """
    seen = state.get(store)
    if seen is not None and seen[0] == uploaded.file_id:
        return seen[1], False
    result = read(uploaded.name, uploaded.getvalue())
    state.put(store, (uploaded.file_id, result))
    return result, True


def read_posts_file(name: str, data: bytes) -> Posts | NeedsTextColumn | str:
    """An uploaded file of posts: the posts, a request for the text column, or the message of what is wrong."""
    try:
        with st.spinner("Reading the file..."):
            return load_upload(name, data)
    except ModLensError as exc:
        return str(exc)
    except Exception as exc:  # a reader bug must not take the page down; the log keeps the traceback
        log.exception("Unexpected error while reading an upload")
        return f"The file could not be read ({type(exc).__name__}). Check the file, or report this problem."


def pick_column(
    label: str,
    options: Sequence[str],
    *,
    key: str,
    default: str | None = None,
    help: str | None = None,
    cell: DeltaGenerator | None = None,
) -> str:
    """A column picker starting at ``default`` (the first option when it is not one of them).

    The start is written into the session state (not passed as ``index``), so that the
    browser shows it too: after a caller forgets the key for new data, a picker whose key
    is unchanged would otherwise keep showing the old file's column in the browser while
    the server already uses the new default. A remembered pick that is no longer an
    option starts over the same way.
    """
    options = list(options)
    if state.get(key) not in options:
        state.put(key, default if default in options else options[0])
    return (cell or st).selectbox(label, options, key=key, help=help)


def text_column_picker(pending: NeedsTextColumn, *, key: str, help: str | None = None) -> str:
    """The picker of the text column of a file without a column named like post text."""
    return pick_column("Text column", pending.candidates, key=key, help=help)
