"""Threshold sliders, and the thresholds the reviewer chose on the Score page.

The chosen thresholds outlive page switches (widget state does not): the
Explain page flags with them, the Bias page starts its slider there, and the
Model page resets them when the active model or its thresholds change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui import state
from ui.components.safe_text import escape_markdown
from ui.services.results import ScoredPosts

CHOSEN = "modlens.thresholds"
"""Chosen threshold per label."""
SLIDERS = state.Keys("modlens.threshold")
"""Widget keys of the Score page's sliders, one per label."""


def slider_key(label: str) -> str:
    """Widget key of the Score page's threshold slider of ``label``."""
    return SLIDERS(label)


def chosen(labels: Sequence[str], defaults: Mapping[str, float]) -> dict[str, float]:
    """The chosen threshold of each label, the model's (``defaults``) where none was chosen."""
    picked = state.get(CHOSEN, {})
    return {label: float(picked.get(label, defaults[label])) for label in labels}


def remember(values: Mapping[str, float]) -> None:
    """Remember the chosen thresholds."""
    state.put(CHOSEN, {label: float(value) for label, value in values.items()})


def reset(labels: Sequence[str]) -> None:
    """Forget chosen thresholds and slider positions: back to the model's thresholds."""
    state.pop(CHOSEN)
    for label in labels:
        state.pop(slider_key(label))


def slider(cell: DeltaGenerator, label: str, *, key: str, start: float, model_threshold: float, meaning: str) -> float:
    """A 0..1 threshold slider for ``label`` that starts at ``start`` (when first shown, or back from a page).

    ``meaning`` says what the threshold does; the help adds the model's threshold.
    """
    if state.get(key) is None:
        state.put(key, start)
    return cell.slider(
        f"{escape_markdown(label)} threshold",
        min_value=0.0,
        max_value=1.0,
        step=0.001,
        format="%.3f",
        key=key,
        help=f"{meaning} Model threshold: {model_threshold:.3f}.",
    )


def score_sliders(result: ScoredPosts) -> dict[str, float]:
    """The Score page's sliders, one per label, and a Reset button; returns (and remembers) the thresholds."""
    current = chosen(result.labels, result.model_thresholds)
    columns = st.columns([*([3] * len(result.labels)), 1], vertical_alignment="bottom")
    picked = {
        label: slider(
            column,
            label,
            key=slider_key(label),
            start=current[label],
            model_threshold=result.model_thresholds[label],
            meaning="Posts scoring at or above it are flagged.",
        )
        for column, label in zip(columns, result.labels, strict=False)
    }
    columns[-1].button(
        "Reset",
        on_click=reset,
        args=(result.labels,),
        icon=":material/restart_alt:",
        help="Back to the model's thresholds.",
    )
    remember(picked)
    return picked
