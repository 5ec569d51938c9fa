"""The block at the top of the pages that score: load the active model (or say why not), and name models.

* :func:`active_model_or_stop`: the active model and its :class:`~ui.services.models.ModelRef`,
  with a notice when another session activated another model (or changed its thresholds)
  since this session last ran a page (:func:`watch_active`).
* :func:`result_model_or_stop`: the model that scored a result, loaded again, so that
  explanations and bias checks of the result use it, not whatever is active now.
"""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from core.scoring import Scorer
from ui import state
from ui.components.safe_text import error, escape_markdown
from ui.services import models
from ui.services.models import ModelRef
from ui.services.results import ScoredPosts

SEEN = "modlens.active_model_seen"
"""``(directory, stamp)`` of the active model when this session last ran a page."""


def watch_active() -> None:
    """Tell this session once when the active model (or its thresholds) changed since its last page run."""
    now = models.active_identity()
    seen = state.get(SEEN)
    state.put(SEEN, now)
    if seen is None or tuple(seen) == now:
        return
    if seen[0] != now[0]:
        number = models.registry_number(now[0])
        which = f"version {number}" if number is not None else "another model"
        message = (
            f"The active model changed (now {which}): new scoring uses it. Results you already have keep "
            "the model that scored them; each page names it and offers to rescore."
        )
    else:
        message = "The active model's thresholds were changed: new scoring and the Score page's sliders use them."
    st.info(message, icon=":material/published_with_changes:")


def remember_active() -> None:
    """Remember the active model as seen: the session changed it itself (and says so), so no notice follows."""
    state.put(SEEN, models.active_identity())


def active_model() -> tuple[Scorer, ModelRef] | None:
    """The active model and its reference, or None after showing the problem (a ``ModLensError`` message)."""
    watch_active()
    try:
        with st.spinner("Loading the model (once per server)..."):
            return models.active_model()
    except ModLensError as exc:
        error(str(exc))
        return None


def active_model_or_stop() -> tuple[Scorer, ModelRef]:
    """:func:`active_model`, ending the page's run when there is none (the problem is shown)."""
    loaded = active_model()
    if loaded is None:
        st.stop()
    return loaded


def result_model(result: ScoredPosts, active: tuple[Scorer, ModelRef]) -> tuple[Scorer, ModelRef] | None:
    """The model that scored ``result`` and its reference (``active`` when it is the active one).

    None after showing why it cannot be loaded (its version was deleted): the caller
    offers to rescore with the active model.
    """
    ref = result.model
    if ref is None or (ref.same_model(active[1]) and ref.version == active[1].version):
        return active
    try:
        with st.spinner(escape_markdown(f"Loading {ref.title}, the model that scored these posts...")):
            model = models.model_for(ref)
    except ModLensError as exc:
        error(str(exc))
        return None
    return model, ref
