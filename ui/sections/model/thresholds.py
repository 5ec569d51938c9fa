"""The Model page's Thresholds tab: choose each label's threshold on labelled posts and save it into a version."""

from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

from core.errors import ModLensError
from core.evaluation.thresholds import OperatingPoint, operating_point_at
from core.plots.curves import CurveSeries, pr_curves, roc_curves
from core.registry import ModelRegistry
from core.store.roles import Permission
from ui import state
from ui.components.safe_text import error, escape_markdown
from ui.components.version_picker import pick_version
from ui.sections.model.header import notify
from ui.sections.model.labelled_input import scored_by, usable_labelled_input
from ui.sections.model.versions import ADMINS_ONLY, activation_panel, after_thresholds_saved, ask_activation
from ui.services import auth, comparison
from ui.services.comparison import ScoredLabels

KEYS = state.Keys("modlens.model.thresholds")
SCORED = "modlens.model.threshold_data"
"""Labelled posts scored by one version, for choosing thresholds (:class:`ui.services.comparison.ScoredLabels`)."""


def _threshold_choice(label: str, truth: np.ndarray, scores: np.ndarray) -> OperatingPoint | None:
    """The method and its target (or costs) for ``label``; the operating point it gives, or None after an error."""
    method = st.radio("Choose the threshold by", comparison.METHODS, horizontal=True, key=KEYS(f"method.{label}"))
    try:
        if method == comparison.METHODS[2]:
            a, b = st.columns(2)
            fp_cost = a.number_input(
                "Cost of a false positive (a harmless post flagged)",
                0.0,
                1e6,
                1.0,
                step=0.5,
                key=KEYS(f"fp_cost.{label}"),
            )
            fn_cost = b.number_input(
                "Cost of a false negative (a post missed)",
                0.0,
                1e6,
                5.0,
                step=0.5,
                key=KEYS(f"fn_cost.{label}"),
            )
            return comparison.choose_threshold(truth, scores, method, fp_cost=fp_cost, fn_cost=fn_cost)
        target = st.number_input(
            f"Target {method.split()[-1]}",
            0.01,
            1.0,
            0.9,
            step=0.01,
            format="%.2f",
            key=KEYS(f"target.{label}.{method.split()[-1]}"),
        )
        return comparison.choose_threshold(truth, scores, method, target=target)
    except ModLensError as exc:
        error(str(exc))
        return None


def _save_thresholds(registry: ModelRegistry, version: int, chosen: dict[str, float], activate: bool) -> None:
    """Save button callback: into the version, or (version 0, read-only) into a new copy of it."""
    try:
        actor = auth.require(Permission.MANAGE_MODELS)
        if version == 0:
            new = registry.add(registry.path_of(0), actor=actor, event="model_copy", thresholds=chosen)
            if activate:
                ask_activation(new)  # shown below, with what changes (activation checks the role again)
            scored = state.get(SCORED)
            if isinstance(scored, ScoredLabels) and scored.version == 0:  # same model: keep its scores
                state.put(SCORED, dataclasses.replace(scored, version=new))
            state.put(KEYS("version"), new)
            message = f"Saved as version {new} with the new thresholds" + (
                ". Confirm its activation below." if activate else "."
            )
            saved = new
        else:
            registry.set_thresholds(version, chosen, actor=actor)
            message = f"Saved the thresholds into version {version}."
            saved = version
    except ModLensError as exc:
        notify(str(exc), "error")
        return
    after_thresholds_saved(registry, saved)
    shown = ", ".join(f"{label} {value:.3f}" for label, value in chosen.items())
    notify(f"{message} ({shown})")


def thresholds_section(registry: ModelRegistry) -> None:
    """Choose each label's threshold on labelled posts and save it into a version."""
    versions = registry.list()
    active = next(v.version for v in versions if v.active)
    version = pick_version("Version", versions, active, key=KEYS("version"))
    activation_panel(registry, version.version, KEYS)
    now = ", ".join(f"{label} {t:.3f}" for label, t in version.thresholds.items())
    st.caption(escape_markdown(f"Thresholds now: {now}. Posts scoring at or above a threshold are flagged."))
    data = usable_labelled_input(KEYS, version.labels, to="to choose thresholds", needs="thresholds need")
    if data is None:
        return
    scored = state.get(SCORED)
    fresh = isinstance(scored, ScoredLabels) and scored.version == version.version and scored.data.key == data.key
    if st.button(
        f"Score {len(data):,} posts with version {version.version}",
        icon=":material/play_arrow:",
        key=KEYS("score"),
        type="secondary" if fresh else "primary",
    ):
        try:
            labels, scores = scored_by(version, data)
        except ModLensError as exc:
            error(str(exc))
            return
        scored = ScoredLabels(version=version.version, labels=tuple(labels), scores=scores, data=data)
        state.put(SCORED, scored)
        fresh = True
    if not fresh or not isinstance(scored, ScoredLabels):
        return
    chosen: dict[str, float] = {}
    for label in [lbl for lbl in data.usable_labels() if lbl in scored.labels]:
        truth, scores = data.labels[label], scored.scores_of(label)
        with st.container(border=True):
            st.subheader(escape_markdown(label))
            point = _threshold_choice(label, truth, scores)
            current = operating_point_at(truth, scores, float(version.thresholds.get(label, 0.5)))
            points = {"current": current} | ({"chosen": point} if point is not None else {})
            st.dataframe(comparison.operating_table(label, points), key=KEYS(f"table.{label}"))
            series = CurveSeries(f"v{version.version}", truth, scores, {n: p.threshold for n, p in points.items()})
            left, right = st.columns(2)
            left.plotly_chart(pr_curves([series], label=label), key=KEYS(f"pr.{label}"))
            right.plotly_chart(roc_curves([series], label=label), key=KEYS(f"roc.{label}"))
            if point is not None:
                chosen[label] = round(point.threshold, 6)
    if not chosen:
        return
    shown = escape_markdown(", ".join(f"{label} {value:.3f}" for label, value in chosen.items()))
    copy = version.read_only  # version 0: saved as a new version
    activate = False
    if copy:
        st.info(
            "Version 0 is the bundled model and read-only. Save a copy of it as a new version with these thresholds.",
            icon=":material/lock:",
        )
        activate = st.checkbox(
            "Then activate the new version (shows what changes first)", value=True, key=KEYS("activate")
        )
    admin = auth.can(Permission.MANAGE_MODELS)
    if not admin:
        st.caption(ADMINS_ONLY)
    st.button(
        f"Save as a new version ({shown})" if copy else f"Save into version {version.version} ({shown})",
        type="primary",
        icon=":material/save:",
        disabled=not admin,
        key=KEYS("save_new" if copy else "save"),
        on_click=_save_thresholds,
        args=(registry, 0 if copy else version.version, chosen, activate),
    )
