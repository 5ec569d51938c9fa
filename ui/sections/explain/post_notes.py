"""The Explain page's notes on how the model read the post: in windows (a long post), or hardly (unknown words)."""

from __future__ import annotations

import streamlit as st

from core.scoring import Scorer
from ui.services.post_markers import UNKNOWN_WARN_SHARE, post_markers


def post_notes(text: str, model: Scorer) -> None:
    """A banner when most of the post's words are unknown to the model, and a note when it was read in windows."""
    markers = post_markers(model, [text])
    if markers.n_words is not None and markers.n_unknown is not None and markers.n_words[0]:
        words, unknown = int(markers.n_words[0]), int(markers.n_unknown[0])
        if unknown / words >= UNKNOWN_WARN_SHARE:
            st.warning(
                f"The model does not know {unknown:,} of this post's {words:,} words ({unknown / words:.0%}): "
                "emoji, another language or rare spellings. Its scores are mostly those of a post it cannot read, "
                "and the explanation below credits those unknown words with them. Judge this post yourself.",
                icon=":material/translate:",
            )
    if bool(markers.long_post[0]):
        st.info(
            "This post is longer than the model reads at once, so the whole post was scored in overlapping "
            "windows and each label's score is its highest window: words anywhere in the post can raise it.",
            icon=":material/view_week:",
        )
