"""The top of the Score page's results: where the posts came from, then how many are flagged per label."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.components.safe_text import escape_markdown, note
from ui.services import results
from ui.services.results import ScoredPosts


def source_caption(result: ScoredPosts) -> None:
    """File name, number of posts, model and time taken, then the notes from reading the file."""
    source = result.posts.source_name or "posts"
    took = f" in {result.seconds:.1f} s" if result.seconds >= 0.1 else ""
    st.caption(escape_markdown(f"{source}: {len(result):,} posts, scored by {result.model_name}{took}"))
    for message in result.posts.notes:
        note(message)


def summary_section(table: pd.DataFrame, labels: tuple[str, ...]) -> None:
    """Posts, flagged per label (with share) and share flagged for any label."""
    summary = results.summarize(table, labels)
    n = int(summary["posts"])
    cells = st.columns(len(labels) + 2)
    cells[0].metric("Posts", f"{n:,}")
    for cell, label in zip(cells[1:], labels, strict=False):
        flagged = int(summary[f"flagged_{label}"])
        share = flagged / n if n else 0.0
        name = f"Flagged {escape_markdown(label)}"
        cell.metric(name, f"{flagged:,}", f"{share:.1%} of posts", delta_color="off", delta_arrow="off")
    cells[-1].metric(
        "Flagged for any label",
        f"{int(summary['flagged_any']):,}",
        f"{summary['share_flagged']:.1%} of posts",
        delta_color="off",
        delta_arrow="off",
    )
