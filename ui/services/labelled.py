"""Labelled posts for the Model page, without widgets: which column holds each label, and how it is read.

Labelled posts come from a file (an upload or the last scored upload): a text
column and, per model label, a column read either as labels (0/1, true/false,
fractions) or as categories of which some mean the label. Everything here is
tested on plain DataFrames.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import ModLensError
from core.io.labels import parse_labels
from core.io.posts import Posts

NO_COLUMN = "(none)"


class MissingClassError(ModLensError):
    """A label whose known values are all one class: it cannot be learned (the message says what to do).

    ``label`` names it, so that the page can offer to leave it out (its column set to "(none)").
    """

    def __init__(self, message: str, label: str) -> None:
        super().__init__(message)
        self.label = label


MAX_CATEGORIES = 50
"""A label column with more distinct values than this cannot be mapped by picking values."""


@dataclass(frozen=True)
class LabelRule:
    """How one model label is read from a column of a file.

    Parameters
    ----------
    column
        The column, or None when the file has nothing for this label (all unknown).
    positive
        None when the column holds labels (0/1, true/false, fractions); else the
        values that mean the label: every other non-empty value means "not the label".

    """

    column: str | None = None
    positive: tuple[str, ...] | None = None


def _clean_values(series: pd.Series) -> pd.Series:
    """Values as stripped strings; missing and empty values become NA."""
    values = series.astype("string").str.strip()
    return values.mask(values == "")


def parses_as_labels(series: pd.Series) -> bool:
    """True when the column holds labels that :func:`core.io.labels.parse_labels` reads (0/1, true/false, fractions)."""
    try:
        parse_labels(series, str(series.name))
    except ModLensError:
        return False
    return True


def categories(series: pd.Series, limit: int = MAX_CATEGORIES) -> list[str]:
    """Distinct non-empty values of a column, most frequent first.

    Raises
    ------
    ModLensError
        When there are more than ``limit`` of them (not a label column).

    """
    counts = _clean_values(series).dropna().value_counts(sort=True)
    if len(counts) > limit:
        raise ModLensError(
            f"Column '{series.name}' has {len(counts):,} different values, too many for a label. "
            "Choose the column that holds the labels."
        )
    return [str(v) for v in counts.index]


def label_values(frame: pd.DataFrame, rule: LabelRule) -> np.ndarray:
    """One label as floats (1, 0, NaN unknown) following ``rule``.

    Raises
    ------
    ModLensError
        When the column is missing or does not hold labels.

    """
    if rule.column is None:
        return np.full(len(frame), np.nan)
    if rule.column not in frame.columns:
        raise ModLensError(f"Column '{rule.column}' is not in the file. Choose one of its columns.")
    if rule.positive is None:
        return parse_labels(frame[rule.column], rule.column)
    values = _clean_values(frame[rule.column])
    positive = values.isin(list(rule.positive)).to_numpy(dtype=bool)
    return np.where(values.isna().to_numpy(dtype=bool), np.nan, positive.astype(float))


@dataclass(frozen=True)
class LabelledPosts:
    """Posts with their labels, ready to train on, score or compare.

    Attributes
    ----------
    name
        Where the posts came from (file name), for messages.
    texts
        Post texts.
    labels
        Model label -> values (1, 0, NaN unknown), aligned with ``texts``.
    key
        Digest of the content and of how it was read: a cache key for scores.
    content_hash
        SHA-256 of the file the posts came from ("" when unknown).

    """

    name: str
    texts: tuple[str, ...]
    labels: Mapping[str, np.ndarray]
    key: str
    content_hash: str = ""

    def __len__(self) -> int:
        return len(self.texts)

    def counts(self) -> pd.DataFrame:
        """Per label: posts with a known label, positives and negatives."""
        rows = []
        for label, values in self.labels.items():
            known = ~np.isnan(values)
            positives = int((values[known] == 1).sum())
            rows.append(
                {
                    "label": label,
                    "labelled": int(known.sum()),
                    "positive": positives,
                    "negative": int(known.sum()) - positives,
                }
            )
        return pd.DataFrame(rows, columns=["label", "labelled", "positive", "negative"])

    def usable_labels(self) -> list[str]:
        """Labels with both positive and negative posts (the ones curves and thresholds need)."""
        return [label for label, values in self.labels.items() if len(np.unique(values[~np.isnan(values)])) == 2]

    def training_table(self) -> pd.DataFrame:
        """``text`` and one column per label: the file ``core.training.pipeline`` trains on."""
        return pd.DataFrame({"text": list(self.texts), **{label: v for label, v in self.labels.items()}})


def labelled_posts(
    frame: pd.DataFrame, *, name: str, text_col: str, rules: Mapping[str, LabelRule], content_hash: str
) -> LabelledPosts:
    """Read the posts and labels of a file following ``rules`` (one per model label).

    Raises
    ------
    ModLensError
        When the text column is missing or a label column does not hold labels.

    """
    if text_col not in frame.columns:
        raise ModLensError(f"Text column '{text_col}' is not in the file. Choose one of its columns.")
    texts = tuple(Posts(frame=frame, text_col=text_col).texts)
    labels = {label: label_values(frame, rule) for label, rule in rules.items()}
    how = json.dumps(
        {
            "text": text_col,
            "rules": {k: [r.column, None if r.positive is None else list(r.positive)] for k, r in rules.items()},
        },
        sort_keys=True,
    )
    key = hashlib.sha256(f"{content_hash}\n{how}".encode()).hexdigest()[:20]
    return LabelledPosts(name=name, texts=texts, labels=labels, key=key, content_hash=content_hash)


def check_trainable(data: LabelledPosts) -> None:
    """Raise unless the posts can be trained on: some label known, and both classes for every known label.

    Raises
    ------
    MissingClassError
        Saying which label lacks which class.
    ModLensError
        When there are no posts or no label at all.

    """
    if not len(data):
        raise ModLensError("The file has no posts.")
    known_any = False
    for label, values in data.labels.items():
        known = values[~np.isnan(values)]
        if not known.size:
            continue
        known_any = True
        for value, what in ((1.0, "positive"), (0.0, "negative")):
            if not (known == value).any():
                raise MissingClassError(
                    f"The '{label}' labels have no {what} post. Training needs both positive and negative posts "
                    f"for every label it learns; map other values to '{label}', or leave '{label}' out "
                    f"(its column '{NO_COLUMN}'): the new version then scores the other labels only.",
                    label,
                )
    if not known_any:
        raise ModLensError("No label column is chosen. Choose the column that holds at least one label.")
