"""Labelled tables of posts as every dataset loader builds them: cleaned text, two labels, a split."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+|<user>", re.IGNORECASE)
_RETWEET = re.compile(r"\bRT\b:?")


def clean_text(text: str) -> str:
    """Undo HTML entities and unify platform artefacts (mentions, links, ``RT``) across datasets."""
    text = html.unescape(str(text))
    text = _RETWEET.sub("", text)
    text = _URL.sub("URL", text)
    text = _MENTION.sub("@user", text)
    return text.replace("\\n", " ").strip()


def labelled_frame(
    texts: pd.Series, toxic: np.ndarray, hate: np.ndarray, split: np.ndarray | str, **extra: np.ndarray | str
) -> pd.DataFrame:
    """Columns ``text`` (cleaned), ``toxic``, ``hate`` (float; NaN unknown), ``split``, then any ``extra`` columns."""
    frame = pd.DataFrame(
        {
            "text": [clean_text(t) for t in texts.reset_index(drop=True).fillna("").astype(str)],
            "toxic": np.asarray(toxic, dtype=float),
            "hate": np.asarray(hate, dtype=float),
            "split": split,
        }
    )
    for column, values in extra.items():
        frame[column] = values
    return frame
