"""What the pages of one session share: the last scored posts, the post opened, the sample request.

The Score page writes them; the Explain, Bias and Model pages read them (the
Model page also updates the thresholds of the last scored posts when the model
changes). Everything goes through these functions, which own the keys.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import streamlit as st

from ui import state
from ui.services.model_ref import ModelRef
from ui.services.results import ScoredPosts

RESULT = "modlens.result"
"""The scored posts (:class:`ui.services.results.ScoredPosts`) of the last input that scored."""
SELECTED_ROW = "modlens.selected_row"
"""Position (0-based) of the post last opened (Score table, Explain page), shown first on Explain and Bias."""
POST_PARAM = "post"
"""URL parameter naming the post to open on the Explain page: its id, else its 1-based row number."""
SAMPLE_REQUESTED = "modlens.sample_requested"
"""True when the home page asked the Score page to load the sample posts."""


def last_result() -> ScoredPosts | None:
    """The posts scored last on the Score page, if any."""
    return state.get(RESULT)


def keep_result(result: ScoredPosts) -> None:
    """Make ``result`` the last scored posts of the session."""
    state.put(RESULT, result)


def retag_result(ref: ModelRef, thresholds: Mapping[str, float]) -> None:
    """The model in ``ref.directory`` was saved with new thresholds: posts it scored take them and its new reference.

    Scores are kept (the weights did not change). Posts scored by any other model keep
    their model and its thresholds.
    """
    result = last_result()
    if result is not None and result.model is not None and result.model.same_model(ref):
        state.put(RESULT, dataclasses.replace(result, model_thresholds=dict(thresholds), model=ref))


def opened_row() -> int | None:
    """Row of the post last opened, or None."""
    row = state.get(SELECTED_ROW)
    return int(row) if row is not None else None


def open_row(row: int) -> None:
    """Remember ``row`` as the post opened (the Explain page starts there)."""
    state.put(SELECTED_ROW, row)


def forget_opened_row() -> None:
    """A new input: no post is open."""
    state.pop(SELECTED_ROW)


def linked_post() -> str | None:
    """The post named in the URL (``?post=ID``), if any."""
    return st.query_params.get(POST_PARAM)


def linked_row(result: ScoredPosts) -> int | None:
    """Position of the post to explain: the one named by ``?post=ID`` (None if none is), else the last opened."""
    name = linked_post()
    if name is not None:
        return result.row_of(name)
    row = opened_row()
    return row if row is not None and 0 <= row < len(result) else None


def request_sample() -> None:
    """Ask the Score page to load and score the sample posts on its next run."""
    state.put(SAMPLE_REQUESTED, True)


def take_sample_request() -> bool:
    """True once after :func:`request_sample`."""
    return bool(state.pop(SAMPLE_REQUESTED, False))
