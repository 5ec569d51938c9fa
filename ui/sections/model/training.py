"""The Model page's Train tab: train a new version in the background, with live progress, cancel and the result.

One training runs per server (:mod:`ui.services.training`); the session that
started it sees its result, other sessions see that it is busy.
"""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from core.model.labels import DEFAULT_LABELS
from core.registry import ModelRegistry
from ui import state
from ui.components.safe_text import error, escape_markdown
from ui.sections.model.header import notify
from ui.sections.model.labelled_input import labelled_input
from ui.sections.model.training_form import training_settings
from ui.sections.model.training_result import finished_view, progress_view
from ui.services import training
from ui.services.training import TrainingBoard, TrainingSpec

KEYS = state.Keys("modlens.model.train")
JOB = "modlens.model.training_job"
"""Id of the training this session started (:class:`ui.services.training.TrainingJob`), to show its result."""
REFRESH_SECONDS = 1.0
"""How often the training progress refreshes while a training runs."""


def forget_job() -> None:
    """Dismiss button callback: stop showing the result of this session's training."""
    state.pop(JOB)


def training_section(registry: ModelRegistry) -> None:
    """Train a new version in the background, with live progress, cancel and the result."""
    board = training.training_board()
    mine = board.get(state.get(JOB))
    running = board.running()
    if mine is not None:
        _job_panel(mine.id, registry, own=True)
    elif running is not None:
        st.info(escape_markdown(training.busy_message(running)), icon=":material/hourglass_top:")
        _job_panel(running.id, registry, own=False)
    st.subheader("Train a new version")
    data = labelled_input(KEYS, DEFAULT_LABELS, public=True)
    name, config, debias, baseline = training_settings(KEYS)
    busy = board.running()
    if busy is not None and busy.id == state.get(JOB):
        st.caption("Your training is running (above). Start another one when it has finished.")
    elif busy is not None:
        st.caption(escape_markdown(training.busy_message(busy)))
    elif data is None:
        st.caption("Choose labelled posts to train on.")
    if st.button(
        "Start training",
        type="primary",
        icon=":material/model_training:",
        disabled=data is None or busy is not None,
        key=KEYS("start"),
    ):
        try:
            spec = training.training_spec(data, name, config, debias, baseline)
        except ModLensError as exc:
            error(str(exc))
            return
        _start(board, spec, registry)
        st.rerun()


def _job_panel(job_id: str, registry: ModelRegistry, *, own: bool) -> None:
    """Progress of a training (refreshed every second while it runs), then its result for its own session."""
    board = training.training_board()
    job = board.get(job_id)
    if job is None:
        return
    was_running = job.running

    @st.fragment(run_every=REFRESH_SECONDS if was_running else None)
    def panel() -> None:
        current = board.get(job_id)
        if current is None:
            return
        if current.running:
            with st.container(border=True):
                st.markdown(
                    f"**Training {escape_markdown(current.spec.name)}** on {escape_markdown(current.spec.source)}"
                )
                progress_view(current, KEYS, can_cancel=own)
        elif was_running:
            st.rerun(scope="app")  # finished since the page ran: show the result and the new version everywhere
        elif own:
            with st.container(border=True):
                finished_view(current, registry, KEYS, on_dismiss=forget_job)

    panel()


def _start(board: TrainingBoard, spec: TrainingSpec, registry: ModelRegistry) -> None:
    """Start the training, remembering its id for this session (or say why it cannot start)."""
    try:
        job = board.start(spec, registry)
    except ModLensError as exc:
        notify(str(exc), "error")
        return
    state.put(JOB, job.id)
