"""The Model page's versions: the table of versions; activate (after a confirmation), delete and read the card of one.

Activating a version changes what every session scores with, so it takes two
steps: the first shows what changes (thresholds and held-out metrics side by side
with the active version, with test-set sizes and intervals), the second activates.
Results already scored keep the model that scored them (see :mod:`ui.components.scored_by`).
"""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from core.evaluation.intervals import MIN_TEST_PER_CLASS
from core.model.artifact import CARD_FILE
from core.registry import ModelRegistry, ModelVersion
from core.store.roles import Permission
from ui import state
from ui.components import model_loader, thresholds
from ui.components.safe_text import document, error, escape_markdown
from ui.components.tables import three_decimals
from ui.components.version_picker import pick_version
from ui.sections.model.calibration import calibration_section
from ui.sections.model.header import notify
from ui.services import auth, models, session
from ui.services.model_tables import activation_table, too_small, versions_table
from ui.state import Keys

KEYS = state.Keys("modlens.model.versions")
ADMINS_ONLY = "Activating, deleting and training versions and saving thresholds needs the admin role."
CONFIRM_DELETE = "modlens.model.confirm_delete"
"""Version whose deletion waits for the user's confirmation."""
CONFIRM_ACTIVATE = "modlens.model.confirm_activate"
"""Version whose activation waits for the user's confirmation (it changes every session's scoring)."""


def after_thresholds_saved(registry: ModelRegistry, version: int) -> None:
    """Thresholds were saved into ``version``: posts it scored take them, and the sliders start there.

    Posts already scored keep their scores; only when they were scored by that version
    (the same directory) do they take its new thresholds. Posts scored by another
    version keep theirs.
    """
    saved = next((v for v in registry.list() if v.version == version), None)
    if saved is not None:
        ref = models.ref_at(saved.path, saved.name)
        result = session.last_result()
        if result is not None and result.model is not None and result.model.same_model(ref):
            session.retag_result(ref, saved.thresholds)
            thresholds.reset(result.labels)
    model_loader.remember_active()


def ask_activation(version: int) -> None:
    """First step of activating ``version``: show what changes and ask."""
    state.put(CONFIRM_ACTIVATE, version)


def cancel_activation() -> None:
    """The user kept the active version."""
    state.pop(CONFIRM_ACTIVATE)


def activate(registry: ModelRegistry, version: int) -> None:
    """Confirmation callback: make ``version`` the active model (admins; audited), and say so at the top of the page."""
    state.pop(CONFIRM_ACTIVATE)
    try:
        registry.activate(version, actor=auth.require(Permission.MANAGE_MODELS))
    except ModLensError as exc:
        notify(str(exc), "error")
        return
    model_loader.remember_active()
    notify(
        f"Version {version} is now the active model: new scoring uses it on every page and in every session. "
        "Results already scored keep the model that scored them."
    )


def activation_panel(registry: ModelRegistry, version: int, keys: Keys) -> None:
    """When ``version``'s activation was asked: what changes, side by side with the active version; confirm or keep."""
    if state.get(CONFIRM_ACTIVATE) != version:
        return
    versions = registry.list()
    current = next((v for v in versions if v.active), None)
    candidate = next((v for v in versions if v.version == version), None)
    if current is None or candidate is None or candidate.active:
        cancel_activation()
        return
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(f'Activate version {version} ({candidate.name})?')}**")
        st.caption(
            "Every session scores new posts with the active model. Posts already scored keep the version "
            "that scored them (their pages offer to rescore)."
        )
        st.dataframe(activation_table(current, candidate), key=keys("activation_table"))
        small_split_warning([current, candidate])
        yes, no, _ = st.columns([1, 1, 3])
        yes.button(
            f"Yes, activate version {version}",
            type="primary",
            key=keys("confirm_activate"),
            on_click=activate,
            args=(registry, version),
        )
        no.button("Keep the active version", key=keys("keep_active"), on_click=cancel_activation)


def small_split_warning(versions: list[ModelVersion]) -> None:
    """A warning naming the versions whose held-out metrics come from too few test posts."""
    small = too_small(versions)
    if not small:
        return
    lines = [f"version {number}: {'; '.join(reasons)}" for number, reasons in small.items()]
    st.warning(
        escape_markdown(
            "Too few test posts to judge these metrics (the interval, not the number, is the honest answer): "
            + " · ".join(lines)
            + f". A test split needs at least {MIN_TEST_PER_CLASS} positive and {MIN_TEST_PER_CLASS} negative "
            "posts per label; compare versions on the same labelled posts in the Compare tab instead."
        ),
        icon=":material/straighten:",
    )


def _delete(registry: ModelRegistry, version: int) -> None:
    state.pop(CONFIRM_DELETE)
    try:
        registry.delete(version, actor=auth.require(Permission.MANAGE_MODELS))
    except ModLensError as exc:
        notify(str(exc), "error")
        return
    notify(f"Version {version} was deleted.")


def broken_version(chosen: ModelVersion) -> None:
    """Why the chosen version cannot be used (its metadata is missing or damaged), with what to do."""
    if chosen.error:
        error(
            f"Version {chosen.version} cannot be used: {chosen.error} "
            + ("" if chosen.read_only or chosen.active else "You can delete it below.")
        )


def versions_section(registry: ModelRegistry) -> None:
    """The versions table; activate, delete and read the card of a version."""
    versions = registry.list()
    table = versions_table(versions)
    st.dataframe(
        table,
        hide_index=True,
        key=KEYS("table"),
        column_config=three_decimals([c for c in table.columns if c.startswith("test AUC ")]),
    )
    st.caption(
        "Held-out test AUC per label (the mean over the test datasets) with its 95% interval (Hanley-McNeil) "
        "and the test-set size; 'judge' says when a split is too small to compare versions."
    )
    small_split_warning(versions)
    active = next(v.version for v in versions if v.active)
    chosen = pick_version("Version", versions, active, key=KEYS("version"))
    broken_version(chosen)
    admin = auth.can(Permission.MANAGE_MODELS)
    if not admin:
        st.caption(ADMINS_ONLY)
    left, right, _ = st.columns([1, 1, 3])
    left.button(
        "Activate",
        type="primary",
        icon=":material/check_circle:",
        disabled=chosen.active or chosen.error is not None or not admin,
        key=KEYS("activate"),
        on_click=ask_activation,
        args=(chosen.version,),
        help="This version is active."
        if chosen.active
        else "This version cannot be used; delete it."
        if chosen.error
        else "Shows what changes, then asks.",
    )
    why_not = (
        "Version 0 is the bundled model and cannot be deleted."
        if chosen.read_only
        else "Activate another version first."
        if chosen.active
        else "Delete this version for good."
    )
    if right.button(
        "Delete",
        icon=":material/delete:",
        disabled=chosen.read_only or chosen.active or not admin,
        key=KEYS("delete"),
        help=why_not,
    ):
        state.put(CONFIRM_DELETE, chosen.version)
    # an activation asked elsewhere (saving thresholds, training) is confirmed here too: that rerun opens this tab
    pending = state.get(CONFIRM_ACTIVATE)
    activation_panel(registry, pending if isinstance(pending, int) else chosen.version, KEYS)
    if state.get(CONFIRM_DELETE) == chosen.version and not (chosen.read_only or chosen.active):
        with st.container(border=True):
            st.warning(
                escape_markdown(f"Delete version {chosen.version} ({chosen.name}) for good?"),
                icon=":material/delete_forever:",
            )
            yes, no, _ = st.columns([1, 1, 3])
            yes.button(
                "Yes, delete it",
                type="primary",
                key=KEYS("confirm_delete"),
                on_click=_delete,
                args=(registry, chosen.version),
            )
            no.button("Keep it", key=KEYS("keep"), on_click=state.pop, args=(CONFIRM_DELETE,))
    with st.expander(f"Model card of version {chosen.version}", icon=":material/description:"):
        card = chosen.path / CARD_FILE
        if card.exists():
            document(card.read_text(encoding="utf-8"))  # by ModLens, but it quotes names: no image, no HTML
        else:
            st.caption("This version has no model card.")
    calibration_section(chosen, KEYS)
