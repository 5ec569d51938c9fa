"""The Bias page's settings: the label, its truth column, the identity groups, the threshold and the intervals."""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.bias import BiasConfig, groups_from_columns
from core.errors import ModLensError
from ui import state
from ui.components import thresholds
from ui.components.safe_text import error, escape_markdown, note
from ui.components.upload import pick_column
from ui.services import bias, inputs
from ui.services.bias import Groups
from ui.services.results import ScoredPosts

GROUPS_LEXICON = "Detected in the text"
GROUPS_COLUMNS = "Identity columns in the data"
NO_LABELS = "(none: flag rates only)"
DEFAULT_BOOTSTRAP = 200
"""Resamples for the intervals in the UI: a few tenths of a second on the sample posts."""
MAX_BOOTSTRAP = 5000
DEFAULT_MIN_GROUP = BiasConfig.min_group_size
LABEL = "modlens.bias.label"
"""Widget key of the model label whose scores are analysed."""
BOOTSTRAP = "modlens.bias.bootstrap"
"""Widget key of the number of bootstrap resamples."""
MIN_GROUP = "modlens.bias.min_group"
"""Widget key of the smallest group size that gets metrics."""
SLIDERS = state.Keys("modlens.bias.threshold")
"""Widget keys of the threshold sliders, one per label."""
DATA_PICKERS = state.Keys("modlens.bias.data")
"""Widget keys of the pickers whose options depend on the data (truth column, identity groups)."""


def threshold_key(label: str) -> str:
    """Widget key of the threshold slider for ``label``."""
    return SLIDERS(label)


def data_key(name: str, data: str) -> str:
    """Widget key of a picker whose options depend on the data (``data`` is its id): it resets per input."""
    return DATA_PICKERS(name, data)


@dataclass(frozen=True)
class Settings:
    """What the reviewer chose above the results."""

    label: str
    column: int
    truth_col: str | None
    truth: np.ndarray | None
    groups: Groups | None
    config: BiasConfig


def settings_section(data: str, scored: ScoredPosts) -> Settings:
    """Label, truth column, identity groups, threshold and bootstrap settings."""
    posts = scored.posts
    label_col, truth_col, groups_col = st.columns(3)
    label = label_col.selectbox(
        "Model label", scored.labels, key=LABEL, help="Whose scores are compared between groups."
    )
    column = scored.labels.index(label)
    candidates = bias.cached_label_like_columns(data, posts.frame, posts.text_col)
    names = {str(c): c for c in candidates}
    guess = inputs.guess_truth_columns(list(names), scored.labels, str(posts.text_col), frame=posts.frame).get(label)
    chosen = pick_column(
        f"Label column (truth for {escape_markdown(label)})",
        [NO_LABELS, *names],
        key=data_key(f"truth.{label}", data),
        default=guess,
        help="A column saying which posts really are positive (0/1, true/false or fractions). "
        "Without one, only flag rates are compared.",
        cell=truth_col,
    )
    truth = None if chosen == NO_LABELS else posts.labels(names[chosen])
    truth_name = None if chosen == NO_LABELS else chosen
    groups = _groups_picker(groups_col, data, scored, [c for c in candidates if str(c) != truth_name])

    slider_col, boot_col, size_col = st.columns([3, 1, 1], vertical_alignment="bottom")
    threshold = thresholds.slider(
        slider_col,
        label,
        key=threshold_key(label),
        start=thresholds.chosen(scored.labels, scored.model_thresholds)[label],  # the Score page's, or the model's
        model_threshold=scored.model_thresholds[label],
        meaning="Posts scoring at or above it count as flagged.",
    )
    n_bootstrap = boot_col.number_input(
        "Bootstrap resamples",
        min_value=0,
        max_value=MAX_BOOTSTRAP,
        value=DEFAULT_BOOTSTRAP,
        step=100,
        key=BOOTSTRAP,
        help="For the 95% confidence intervals; more is steadier but slower, 0 skips the intervals.",
    )
    min_size = size_col.number_input(
        "Smallest group",
        min_value=1,
        max_value=10_000,
        value=DEFAULT_MIN_GROUP,
        step=1,
        key=MIN_GROUP,
        help="Groups with fewer posts get no metrics (empty cells and a note): their estimates would be noise.",
    )
    config = BiasConfig(threshold=float(threshold), n_bootstrap=int(n_bootstrap), min_group_size=int(min_size))
    return Settings(label=label, column=column, truth_col=truth_name, truth=truth, groups=groups, config=config)


def _groups_picker(cell: DeltaGenerator, data: str, scored: ScoredPosts, candidates: list[Hashable]) -> Groups | None:
    """Identity groups from the lexicon or from identity columns the reviewer picks."""
    source = cell.radio(
        "Identity groups",
        (GROUPS_LEXICON, GROUPS_COLUMNS),
        key=data_key("groups", data),
        horizontal=True,
        help="Detected in the text with the project's identity lexicon (assets/identity_terms.csv), or read from "
        "0/1 or fractional columns of the data (0.5 or more = member).",
    )
    if source == GROUPS_COLUMNS:
        names = {str(c): c for c in candidates}
        default = [str(c) for c in bias.guess_identity_columns(candidates, bias.lexicon())]
        picked = cell.multiselect(
            "Identity columns",
            list(names),
            default=default,
            key=data_key("identity_columns", data),
            placeholder="Choose identity columns" if names else "No 0/1 or fractional columns",
        )
        if not picked:
            with cell:
                note("Choose at least one identity column (0/1, true/false or fractions).")
            return None
        try:
            members = groups_from_columns(scored.posts.frame, [names[p] for p in picked], choose_hint="in the picker")
        except ModLensError as exc:
            with cell:
                error(str(exc))
            return None
        members = members.reset_index(drop=True)
        members.columns = [str(c) for c in members.columns]
        return Groups(members=members, key="columns:" + json.dumps(picked))
    cell.caption("Terms found for each post are listed under the charts.")
    matches = bias.identity_matches(data, scored.posts.texts)
    mentioned = matches.groups.any(axis=0)
    return Groups(
        members=matches.groups.loc[:, mentioned],
        key="lexicon",
        matches=matches,
        unmentioned=tuple(str(g) for g in mentioned.index[~mentioned]),
    )
