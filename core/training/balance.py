"""Per-term balancing weights: an identity word should say nothing about the label in the weighted training data.

The flat identity weight (``--identity-weight``) lifts every harmless post that
names a group by the same factor, but the groups are not equally skewed: in the
training data 73% of the posts with "jew" are hostile, 39% of those with "christian".
Reweighing (Kamiran & Calders, 2012; Dixon et al., 2018 balance the same way by
adding harmless posts) weights each term's harmless posts by how much more often
the term's posts are hostile than all posts are:

    w_t = floor * (k_t / (n_t - k_t)) / (p / (1 - p))

for a term named in ``n_t`` posts, ``k_t`` of them hostile, a base hostile share
``p`` and the flat weight ``floor``. With ``floor`` 1 this is plain reweighing (the
term's weighted hostile share becomes ``p``); with the flat weight, a term as
skewed as the average post gets the flat weight and a more skewed one more.
Counts are smoothed towards the base share with ``prior`` pseudo-posts (a term seen
in five posts gets no extreme weight) and the weight is clipped to ``[floor, cap]``.
A harmless post gets the largest weight of the terms it names.

A post is *hostile* when any of its known labels is 1 and *harmless* when its
known labels are all 0 (posts of hate-only sets count by their hate label).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.bias import load_lexicon, match_identities
from core.bias.lexicon import Lexicon

DEFAULT_PRIOR = 20.0
"""Pseudo-posts at the base hostile share added to every term's counts."""


def label_state(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks ``(hostile, harmless)`` of a label matrix with NaN for unknown labels."""
    known = ~np.isnan(y)
    hostile = (np.nan_to_num(y, nan=0.0) >= 0.5).any(axis=1)
    harmless = known.any(axis=1) & ~hostile
    return hostile, harmless


def term_rates(
    terms: pd.DataFrame, hostile: np.ndarray, harmless: np.ndarray, counted: np.ndarray | None = None
) -> pd.DataFrame:
    """Posts naming each term and how many are hostile: columns ``term, n, hostile`` (posts of known state).

    ``terms`` is :attr:`core.bias.groups.IdentityMatches.terms`; ``counted`` limits the
    count to some rows (e.g. the datasets' own posts, not the project's sentences).
    """
    counted = np.ones(len(terms), dtype=bool) if counted is None else counted
    known = counted & (hostile | harmless)
    counts: dict[str, list[int]] = {}
    for row, cells in zip(np.flatnonzero(known), _row_terms(terms, known), strict=True):
        for term in cells:
            entry = counts.setdefault(term, [0, 0])
            entry[0] += 1
            entry[1] += int(hostile[row])
    frame = pd.DataFrame([(t, n, k) for t, (n, k) in sorted(counts.items())], columns=["term", "n", "hostile"])
    return frame.astype({"n": "int64", "hostile": "int64"})


def balancing_weights(
    rates: pd.DataFrame, base_rate: float, *, floor: float, cap: float, prior: float = DEFAULT_PRIOR
) -> pd.Series:
    """Weight of each term's harmless posts (index ``term``): ``floor`` times its hostile odds over the base odds.

    Smoothed with ``prior`` pseudo-posts at ``base_rate``; clipped to ``[floor, cap]`` (a term
    that is less often hostile than the average post keeps ``floor``: balancing only lifts).
    """
    if rates.empty or not 0 < base_rate < 1:
        return pd.Series(dtype=float, name="weight")
    hostile = rates["hostile"].to_numpy(float) + prior * base_rate
    harmless = rates["n"].to_numpy(float) - rates["hostile"].to_numpy(float) + prior * (1 - base_rate)
    with np.errstate(divide="ignore"):  # no harmless post even after smoothing (prior 0): the cap
        weight = floor * hostile * (1 - base_rate) / (base_rate * harmless)
    return pd.Series(np.clip(weight, floor, max(floor, cap)), index=rates["term"].to_numpy(), name="weight")


def balanced_identity_weights(
    texts: Sequence[str],
    y: np.ndarray,
    *,
    floor: float,
    cap: float,
    counted: np.ndarray | None = None,
    lexicon: Lexicon | None = None,
    prior: float = DEFAULT_PRIOR,
) -> np.ndarray:
    """Per-post loss weights: a harmless post naming a group gets the largest balancing weight of its terms.

    The term counts come from the ``counted`` rows (all rows by default); every
    harmless row that names a group is weighted, counted or not.
    """
    weights = np.ones(len(texts), dtype=np.float32)
    if not len(texts):
        return weights
    matches = match_identities(list(texts), lexicon or load_lexicon())
    hostile, harmless = label_state(y)
    counted = np.ones(len(texts), dtype=bool) if counted is None else counted
    known = counted & (hostile | harmless)
    base_rate = float(hostile[known].mean()) if known.any() else 0.0
    rates = term_rates(matches.terms, hostile, harmless, counted)
    by_term = balancing_weights(rates, base_rate, floor=floor, cap=cap, prior=prior).to_dict()
    lifted = harmless & matches.groups.any(axis=1).to_numpy()
    for row, cells in zip(np.flatnonzero(lifted), _row_terms(matches.terms, lifted), strict=True):
        weights[row] = max([floor, *(by_term.get(term, floor) for term in cells)])
    return weights


def _row_terms(terms: pd.DataFrame, rows: np.ndarray) -> list[list[str]]:
    """The terms matched in each selected row (all groups together)."""
    cells = terms.to_numpy()[rows]
    return [[term for cell in row if cell for term in cell.split(", ")] for row in cells]
