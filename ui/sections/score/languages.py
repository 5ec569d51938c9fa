"""The Score page's languages: the per-upload warning about non-English posts, and the language filter.

The model reads English only; each post's language is detected with its scores
(:mod:`ui.services.languages`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ui import state
from ui.components.safe_text import escape_markdown
from ui.services import languages
from ui.services.results import ScoredPosts

FILTER = state.Keys("modlens.score.language")
"""Widget keys of the language filter, one per upload (content hash): a new upload starts unfiltered."""


def language_banner(result: ScoredPosts) -> None:
    """The share of the upload that looks non-English, when there is any."""
    if result.languages is None:
        return
    message = languages.banner(result.languages)
    if message:
        st.warning(escape_markdown(message), icon=":material/translate:")


def language_filter(cell: st.delta_generator.DeltaGenerator, result: ScoredPosts) -> list[str]:
    """A multiselect of the upload's languages in ``cell``; the languages chosen (none: every post)."""
    if result.languages is None:
        return []
    options = languages.choices(result.languages)
    found = result.languages
    return cell.multiselect(
        "Language",
        options,
        key=FILTER(result.posts.content_hash),
        format_func=lambda lang: languages.label_of(lang, found),
        placeholder="all languages",
        help="Detected per post; 'unknown' posts are too short, empty or have no letters.",
    )


def keep(result: ScoredPosts, view: pd.DataFrame, chosen: list[str]) -> pd.DataFrame:
    """The rows of ``view`` in one of the ``chosen`` languages (all without a choice)."""
    if result.languages is None or not chosen:
        return view
    return view[languages.keep(result.languages, view.index, chosen)]


def language_cells(result: ScoredPosts, rows: pd.Index) -> list[str] | None:
    """The ``language`` column of ``rows`` (a warning marker on non-English posts), or None."""
    if result.languages is None:
        return None
    return languages.language_column(result.languages, [int(r) for r in rows])


def non_english(result: ScoredPosts, row: int) -> bool:
    """True when post ``row`` was detected as another language than English."""
    return result.languages is not None and bool(np.asarray(result.languages["non_english"])[row])
