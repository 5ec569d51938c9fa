"""The Model page's versions: the table of versions; activate, delete and read the card of one."""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from core.model.artifact import CARD_FILE
from core.registry import ModelRegistry, ModelVersion
from ui import state
from ui.components import thresholds
from ui.components.safe_text import document, error, escape_markdown
from ui.components.tables import three_decimals
from ui.components.version_picker import pick_version
from ui.sections.model.header import notify
from ui.services import session
from ui.services.model_tables import versions_table

KEYS = state.Keys("modlens.model.versions")
CONFIRM_DELETE = "modlens.model.confirm_delete"
"""Version whose deletion waits for the user's confirmation."""


def after_model_change(registry: ModelRegistry) -> None:
    """The active model or its thresholds changed: the Score page starts from the active model's thresholds.

    The Score page's sliders go back to the model's thresholds. Posts already scored
    keep their scores; when they were scored by a model of the same name (the same
    version, or a copy saved with new thresholds) they take its new thresholds.
    """
    active = next((v for v in registry.list() if v.active), None)
    if active is None:
        return
    thresholds.reset(active.labels)
    session.retag_result(tuple(active.labels), active.name, active.thresholds)


def activate(registry: ModelRegistry, version: int) -> None:
    """Button callback: make ``version`` the active model, and say so at the top of the page."""
    try:
        registry.activate(version)
    except ModLensError as exc:
        notify(str(exc), "error")
        return
    after_model_change(registry)
    notify(f"Version {version} is now the active model: scoring uses it on every page.")


def _delete(registry: ModelRegistry, version: int) -> None:
    state.pop(CONFIRM_DELETE)
    try:
        registry.delete(version)
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
    st.dataframe(
        versions_table(versions),
        hide_index=True,
        key=KEYS("table"),
        column_config=three_decimals(["test AUC toxic", "test AUC hate"]),
    )
    active = next(v.version for v in versions if v.active)
    chosen = pick_version("Version", versions, active, key=KEYS("version"))
    broken_version(chosen)
    left, right, _ = st.columns([1, 1, 3])
    left.button(
        "Activate",
        type="primary",
        icon=":material/check_circle:",
        disabled=chosen.active or chosen.error is not None,
        key=KEYS("activate"),
        on_click=activate,
        args=(registry, chosen.version),
        help="This version is active."
        if chosen.active
        else "This version cannot be used; delete it."
        if chosen.error
        else "Score with this version on every page.",
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
        disabled=chosen.read_only or chosen.active,
        key=KEYS("delete"),
        help=why_not,
    ):
        state.put(CONFIRM_DELETE, chosen.version)
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
