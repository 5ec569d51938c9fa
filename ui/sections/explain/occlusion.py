"""The Explain page's word removal: each label's score with and without a picked word (occlusion)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.scoring import Scorer
from ui import state
from ui.components.tables import three_decimals
from ui.sections.explain.attributions import Explained
from ui.services import explanations, privacy

WORD = "modlens.explain.occlude"
"""Widget key of the word picker whose word is removed (occlusion)."""
WORD_FOR = "modlens.explain.occlude_for"
"""The post the word picker was made for; another post resets it."""


def occlusion_section(text: str, explained: Explained, model: Scorer) -> None:
    """Pick a word; each label's score with and without it (the word deleted from the post)."""
    st.subheader("Remove a word")
    attributions, occlusion, labels = explained.attributions, explained.occlusion, tuple(model.labels_)
    words = attributions.tokens[attributions.tokens["label"] == labels[0]].sort_values("start")
    starts = words["start"].tolist()
    shown = privacy.masked_tokens(words, explained.redacted) if explained.redacted is not None else words
    tokens = shown["token"].tolist()  # a word of hidden personal data reads as its placeholder
    if state.get(WORD_FOR) != text:  # another post: start at its strongest word
        state.put(WORD_FOR, text)
        state.put(WORD, int(np.argmax(np.abs(words["value"].to_numpy()))))
    index = st.selectbox(
        "Word to remove",
        list(range(len(tokens))),
        format_func=lambda i: f"{tokens[i]}   (word {i + 1})",
        key=WORD,
        help="The post is scored again without this word (occlusion).",
    )
    if index is None:
        return
    if occlusion is not None:
        rows = occlusion[occlusion["start"] == starts[index]]
        table = pd.DataFrame(
            {
                "label": rows["label"],
                "score": rows["score"],
                "without the word": rows["occluded_score"],
                "change": -rows["drop"],
            }
        )
    else:
        change = explanations.without_word(text, index, model.predict_proba, labels)
        table = change.rename(columns={"original": "score", "edited": "without the word"})
    st.dataframe(table, hide_index=True, column_config=three_decimals(["score", "without the word", "change"]))
