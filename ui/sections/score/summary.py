"""The top of the Score page's results: where the posts came from, then how many are flagged per label."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.scoring import Scorer
from ui.components.safe_text import escape_markdown, note
from ui.components.scored_by import scored_by_section
from ui.services import post_markers, results
from ui.services.models import ModelRef
from ui.services.post_markers import PostMarkers
from ui.services.results import ScoredPosts

RESCORE = "modlens.score.rescore"
"""Key of the button that rescores the results with the active model."""


def source_caption(result: ScoredPosts, active: tuple[Scorer, ModelRef]) -> None:
    """File name, number of posts and time taken, the model that scored them, then the notes from reading."""
    source = result.posts.source_name or "posts"
    took = f" in {result.seconds:.1f} s" if result.seconds >= 0.1 else ""
    st.caption(escape_markdown(f"{source}: {len(result):,} posts, scored{took}."))
    scored_by_section(result, active, key=RESCORE)
    for message in result.posts.notes:
        note(message)


def summary_section(table: pd.DataFrame, result: ScoredPosts) -> None:
    """Posts, flagged per label (with share), share flagged for any label, and the words the model does not know."""
    labels = result.labels
    summary = results.summarize(table, labels)
    n = int(summary["posts"])
    markers = result.markers
    known = markers is not None and markers.unknown_share is not None
    cells = st.columns(len(labels) + 2 + int(known))
    cells[0].metric("Posts", f"{n:,}")
    for cell, label in zip(cells[1:], labels, strict=False):
        flagged = int(summary[f"flagged_{label}"])
        share = flagged / n if n else 0.0
        name = f"Flagged {escape_markdown(label)}"
        cell.metric(name, f"{flagged:,}", f"{share:.1%} of posts", delta_color="off", delta_arrow="off")
    cells[len(labels) + 1].metric(
        "Flagged for any label",
        f"{int(summary['flagged_any']):,}",
        f"{summary['share_flagged']:.1%} of posts",
        delta_color="off",
        delta_arrow="off",
    )
    if known:
        _unknown_words(cells[-1], markers)


def _unknown_words(cell: DeltaGenerator, markers: PostMarkers) -> None:
    """One number per upload: the share of its words the model does not know, and the posts mostly unknown."""
    share = markers.upload_share
    mostly = int(markers.mostly_unknown().sum())
    threshold = f"{post_markers.UNKNOWN_WARN_SHARE:.0%}"
    cell.metric(
        "Words unknown to the model",
        "–" if share != share else f"{share:.1%}",
        f"{mostly:,} posts mostly unknown" if mostly else "no post mostly unknown",
        delta_color="off",
        delta_arrow="off",
        help=f"Share of all the words of the upload that are not in the model's vocabulary. Posts with {threshold} "
        "or more unknown words (emoji, other languages) get the score of a post the model cannot read; they are "
        "marked 'mostly unknown' in the table.",
    )
    if mostly:
        st.warning(
            f"{mostly:,} posts have {threshold} or more words the model does not know (emoji, other languages, rare "
            "spellings): their scores say little. They are marked 'mostly unknown' in the table; check them "
            "yourself.",
            icon=":material/translate:",
        )
