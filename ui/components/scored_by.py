"""Which model scored the posts on screen, and an offer to rescore them with the active one when it differs.

Every view of a result (Score table, Explain, Bias) names the model version that
scored it and uses that model and its thresholds; after another version was
activated, this block says so and rescores on request (the session's result is
replaced, the Score page's sliders start at the new model's thresholds).
"""

from __future__ import annotations

import contextlib

import streamlit as st

from core.errors import ModLensError
from core.scoring import Scorer
from ui.components import thresholds
from ui.components.safe_text import error, escape_markdown
from ui.components.scoring_progress import score_with_progress
from ui.services import session
from ui.services.models import ModelRef
from ui.services.results import ScoredPosts


def is_stale(result: ScoredPosts, active: ModelRef) -> bool:
    """True when ``result`` was scored by another model than the active one (or by an older copy of it)."""
    return result.model is not None and not (result.model.same_model(active) and result.model.version == active.version)


def scored_by_section(result: ScoredPosts, active: tuple[Scorer, ModelRef], *, key: str) -> None:
    """A caption naming the scoring model; when the active model is another one, a warning and a Rescore button.

    ``key`` is the button's key (the calling section owns it).
    """
    model, ref = active
    if not is_stale(result, ref):
        st.caption(escape_markdown(f"Scored by {result.model_title}, the active model."))
        return
    same_directory = result.model is not None and result.model.same_model(ref)
    what = (
        f"Scored by {result.model_title} with its thresholds at the time; that version's thresholds have changed since."
        if same_directory
        else f"Scored by {result.model_title}. The active model is now {ref.title}."
    )
    with st.container(border=True):
        st.warning(
            escape_markdown(f"{what} Scores, flags and explanations here use the model that scored these posts."),
            icon=":material/history:",
        )
        if st.button(escape_markdown(f"Rescore with {ref.title}"), key=key, icon=":material/refresh:"):
            rescore(result, model, ref)


def rescore(result: ScoredPosts, model: Scorer, ref: ModelRef) -> None:
    """Score the posts of ``result`` again with ``model``; they become the session's result."""
    fresh = score_with_progress(model, result.posts, on_error=error, ref=ref)
    if fresh is None:
        return
    if result.id_col != fresh.id_col:  # keep the numbering the reviewer chose
        with contextlib.suppress(ModLensError):  # the column cannot name these posts: row numbers
            fresh = fresh.numbered_by(result.id_col)
    session.keep_result(fresh)
    thresholds.reset(tuple(dict.fromkeys((*result.labels, *fresh.labels))))
    st.rerun()
