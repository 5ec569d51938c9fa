"""The Score page's label columns: which columns of the file hold the truth, for quick metrics and curves."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.errors import ModLensError
from ui import state
from ui.components.safe_text import error, escape_markdown
from ui.components.upload import pick_column
from ui.services import inputs
from ui.services.results import ScoredPosts

NO_COLUMN = "(none)"
PICKERS = state.Keys("modlens.truth")
"""Widget keys of the pickers, one per label."""


def picker_key(label: str) -> str:
    """Widget key of the picker of the column that holds the truth for ``label``."""
    return PICKERS(label)


def forget_widgets() -> None:
    """A new input: the pickers start from their guesses again."""
    PICKERS.forget()


def truth_pickers(result: ScoredPosts) -> dict[str, np.ndarray]:
    """Optional label columns for quick metrics; returns the parsed truth per label that has one."""
    posts = result.posts
    columns = [str(c) for c in posts.frame.columns if c != posts.text_col]
    guesses = inputs.guess_truth_columns(columns, result.labels, posts.text_col, frame=posts.frame)
    truth: dict[str, np.ndarray] = {}
    with st.expander("Label columns for quick metrics", icon=":material/rule:", expanded=any(guesses.values())):
        st.caption("If the file says which posts are toxic or hateful, pick those columns (0/1, true/false, 0..1).")
        for cell, label in zip(st.columns(len(result.labels)), result.labels, strict=False):
            column = pick_column(
                f"Truth for {escape_markdown(label)}",
                [NO_COLUMN, *columns],
                key=picker_key(label),
                default=guesses[label],
                cell=cell,
            )
            if column == NO_COLUMN:
                continue
            try:
                truth[label] = posts.labels(column)
            except ModLensError as exc:
                with cell:
                    error(str(exc))
    return truth
