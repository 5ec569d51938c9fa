"""Turn a column of label values into binary labels: 0/1, true/false, or fractions in [0, 1]."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.errors import ModLensError

POSITIVE_WORDS = frozenset({"true", "yes", "y", "t"})
NEGATIVE_WORDS = frozenset({"false", "no", "n", "f"})
MISSING_WORDS = frozenset({"", "nan", "na", "n/a", "null", "none"})
POSITIVE_FRACTION = 0.5
"""A fraction of annotators at or above this counts as positive, as in Jigsaw 2019."""


def parse_labels(values: pd.Series, name: str) -> np.ndarray:
    """Convert label values to floats: 1.0 positive, 0.0 negative, NaN missing.

    Accepts 0/1, true/false (and yes/no), and fractions in [0, 1], where a
    fraction of at least 0.5 is positive. Anything else raises a
    :class:`ModLensError` naming a few offending values.
    """
    if pd.api.types.is_bool_dtype(values):
        return values.astype(float).to_numpy()
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype(float).to_numpy()
    else:
        numbers = _strings_to_numbers(values.astype("string").str.strip().str.lower(), name)
    finite = numbers[~np.isnan(numbers)]
    bad = finite[(finite < 0) | (finite > 1)]
    if bad.size:
        shown = ", ".join(repr(_short(v)) for v in pd.unique(bad)[:5])
        raise ModLensError(
            f"Column '{name}' has label values outside 0..1: {shown}. "
            "Use 0/1, true/false or fractions between 0 and 1, or choose another label column."
        )
    return np.where(np.isnan(numbers), np.nan, (numbers >= POSITIVE_FRACTION).astype(float))


def _strings_to_numbers(lowered: pd.Series, name: str) -> np.ndarray:
    filled = lowered.fillna("")
    numbers = pd.to_numeric(filled, errors="coerce").to_numpy(dtype=float)
    words = filled.to_numpy(dtype=object)
    numbers[np.isin(words, list(POSITIVE_WORDS))] = 1.0
    numbers[np.isin(words, list(NEGATIVE_WORDS))] = 0.0
    missing = np.isin(words, list(MISSING_WORDS))
    numbers[missing] = np.nan
    unknown = np.isnan(numbers) & ~missing
    if unknown.any():
        shown = ", ".join(repr(_short(v)) for v in pd.unique(words[unknown])[:5])
        raise ModLensError(
            f"Column '{name}' has values that are not labels: {shown}. "
            "Use 0/1, true/false or fractions between 0 and 1, or choose another label column."
        )
    return numbers


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 30 else text[:27] + "..."
