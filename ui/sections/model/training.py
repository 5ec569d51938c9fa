"""The Model page's Train tab: train a new version in the background, with live progress, cancel and the result.

One training runs per server (:mod:`ui.services.training`). It belongs to the
server, not to the tab that started it: every session (a reloaded tab too) sees it
running, anyone allowed to train can cancel it, and sees how it ended.
"""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from core.model.labels import DEFAULT_LABELS
from core.registry import ModelRegistry
from core.store.roles import Permission
from ui import state
from ui.components.safe_text import error, escape_markdown
from ui.sections.model.header import notify
from ui.sections.model.labelled_input import labelled_input, leave_out
from ui.sections.model.training_form import training_settings
from ui.sections.model.training_result import finished_view, progress_view
from ui.sections.model.versions import ADMINS_ONLY
from ui.services import auth, training
from ui.services.labelled import LabelledPosts, MissingClassError, check_trainable
from ui.services.training import TrainingBoard, TrainingJob, TrainingSpec

KEYS = state.Keys("modlens.model.train")
JOB = "modlens.model.training_job"
"""Id of the training this session follows (started here or seen running), to show its result."""
REFRESH_SECONDS = 1.0
"""How often the training progress refreshes while a training runs."""


def forget_job() -> None:
    """Dismiss button callback: stop showing the result of the training this session follows."""
    state.pop(JOB)


def _followed(board: TrainingBoard) -> TrainingJob | None:
    """The training this session follows: the one running on the server (whoever started it), else its last one.

    Trainings belong to the server, not to the tab that started them: a reloaded tab or
    another session sees the running training, can cancel it and sees how it ended.
    """
    running = board.running()
    if running is not None and state.get(JOB) != running.id:
        state.put(JOB, running.id)
    return board.get(state.get(JOB))


def training_section(registry: ModelRegistry) -> None:
    """Train a new version in the background, with live progress, cancel and the result."""
    board = training.training_board()
    followed = _followed(board)
    if followed is not None:
        _job_panel(followed.id, registry)
    st.subheader("Train a new version")
    if not auth.can(Permission.MANAGE_MODELS):
        st.info(ADMINS_ONLY, icon=":material/lock:")
        return
    data = labelled_input(KEYS, DEFAULT_LABELS, public=True, reviewed=True)
    trainable = data is not None and _trainable(data)
    name, config, debias, baseline = training_settings(KEYS)
    busy = board.running()
    if busy is not None:
        st.caption(escape_markdown(training.busy_message(busy)))
    elif data is None:
        st.caption("Choose labelled posts to train on.")
    if st.button(
        "Start training",
        type="primary",
        icon=":material/model_training:",
        disabled=not trainable or busy is not None,
        key=KEYS("start"),
    ):
        try:
            spec = training.training_spec(data, name, config, debias, baseline)
        except ModLensError as exc:
            error(str(exc))
            return
        _start(board, spec, registry)
        st.rerun()


def _trainable(data: LabelledPosts | tuple[str, ...]) -> bool:
    """True when the posts can be trained on; else the problem, and for a one-class label a way to leave it out."""
    if not isinstance(data, LabelledPosts):
        return True  # public datasets: checked when they are read
    try:
        check_trainable(data)
    except MissingClassError as exc:
        error(str(exc))
        others = [label for label in data.labels if label != exc.label]
        st.button(
            escape_markdown(
                f"Leave {exc.label} out: train {', '.join(others)} only" if others else f"Leave {exc.label} out"
            ),
            key=KEYS("leave_out"),
            icon=":material/remove_circle:",
            on_click=leave_out,
            args=(KEYS, data, exc.label),
            help=escape_markdown(
                f"Sets the column of the {exc.label} label to (none): it is unknown for every post and the new "
                "version does not score it."
            ),
        )
        return False
    except ModLensError as exc:
        error(str(exc))
        return False
    return True


def _job_panel(job_id: str, registry: ModelRegistry) -> None:
    """Progress of a training (refreshed every second while it runs) with Cancel, then how it ended."""
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
                progress_view(current, KEYS, on_cancel=_cancel)
        elif was_running:
            st.rerun(scope="app")  # finished since the page ran: show the result and the new version everywhere
        else:
            with st.container(border=True):
                finished_view(current, registry, KEYS, on_dismiss=forget_job)

    panel()


def _cancel(job_id: str) -> None:
    """Cancel button callback: stop a training for everyone (the session must be allowed to train)."""
    try:
        training.training_board().cancel(job_id, actor=auth.require(Permission.MANAGE_MODELS))
    except ModLensError as exc:
        notify(str(exc), "error")


def _start(board: TrainingBoard, spec: TrainingSpec, registry: ModelRegistry) -> None:
    """Start the training, remembering its id for this session (or say why it cannot start)."""
    try:
        job = board.start(spec, registry, actor=auth.require(Permission.MANAGE_MODELS))
    except ModLensError as exc:
        notify(str(exc), "error")
        return
    state.put(JOB, job.id)
