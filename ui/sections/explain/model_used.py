"""Which model the Explain page uses: the one that scored the upload for its posts, the active one for typed posts.

A post of the last scored upload is explained with the model version that scored
it and judged against that model's thresholds (as chosen on the Score page), so a
score on this page is the score in the table. When another version is active the
page says so and offers to rescore the upload; typed posts use the active model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from core.scoring import Scorer
from ui.components import model_loader, thresholds
from ui.components.safe_text import escape_markdown
from ui.components.scored_by import is_stale, scored_by_section
from ui.sections.explain.post_picker import Post
from ui.services.models import ModelRef
from ui.services.results import ScoredPosts

RESCORE = "modlens.explain.rescore"
"""Key of the button that rescores the upload with the active model."""


@dataclass(frozen=True)
class UsedModel:
    """The model an explanation uses, its reference and the thresholds its verdicts use."""

    model: Scorer
    ref: ModelRef
    thresholds: Mapping[str, float]


def scoring_model(result: ScoredPosts, active: tuple[Scorer, ModelRef]) -> UsedModel | None:
    """The model that scored the upload, named (with a Rescore offer when it is not the active one).

    None when it cannot be loaded any more (the problem and the Rescore button are shown).
    """
    scored_by_section(result, active, key=RESCORE)
    loaded = model_loader.result_model(result, active)
    if loaded is None:
        return None
    chosen = thresholds.chosen(result.labels, result.model_thresholds)
    return UsedModel(model=loaded[0], ref=loaded[1], thresholds=chosen)


def for_post(
    post: Post, result: ScoredPosts | None, active: tuple[Scorer, ModelRef], scoring: UsedModel | None
) -> UsedModel | None:
    """The model for ``post``: the upload's scoring model for its posts, the active model for a typed post."""
    if post.row is not None:
        return scoring
    model, ref = active
    same = result is not None and not is_stale(result, ref)
    chosen = thresholds.chosen(model.labels_, model.thresholds_) if same else dict(model.thresholds_)
    st.caption(escape_markdown(f"Explained with the active model, {ref.title}."))
    return UsedModel(model=model, ref=ref, thresholds=chosen)
