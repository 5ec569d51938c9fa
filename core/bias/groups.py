"""Identity groups of each post: from 0/1 or fractional columns, or from the lexicon."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.bias.inputs import OVERALL
from core.bias.lexicon import Lexicon
from core.errors import ModLensError
from core.io.labels import POSITIVE_FRACTION, parse_labels
from core.io.posts import describe_columns

__all__ = ["IdentityMatches", "groups_from_columns", "match_identities"]


def groups_from_columns(
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    threshold: float = POSITIVE_FRACTION,
    choose_hint: str = "with --group-cols",
) -> pd.DataFrame:
    """Boolean membership from identity columns (0/1, true/false or fractions).

    A fraction of annotators at or above ``threshold`` (0.5, as in Jigsaw
    2019) counts as membership; missing values count as not a member.

    Parameters
    ----------
    frame : DataFrame
        The posts, with the identity columns among its columns.
    columns : sequence of str
        Identity columns, one group each.
    threshold : float
        Smallest fraction that counts as membership.
    choose_hint : str
        How the user picks columns where they are, for error messages.

    Returns
    -------
    DataFrame of bool, shape (len(frame), len(columns)), index of ``frame``.

    Raises
    ------
    ModLensError
        For an unknown column or one whose values are not memberships.

    """
    if not columns:
        raise ModLensError(f"No identity columns chosen. Choose identity columns {choose_hint}.")
    out = {}
    for col in columns:
        if str(col) == OVERALL:
            raise ModLensError(
                f"An identity column may not be called '{OVERALL}' (that name is kept for the row "
                "covering all posts). Rename the column."
            )
        if col not in frame.columns:
            raise ModLensError(
                f"Column '{col}' not found. Columns are: {describe_columns(frame.columns)}. "
                f"Choose identity columns {choose_hint}."
            )
        try:
            values = parse_labels(frame[col], col).copy()
        except ModLensError as err:
            raise ModLensError(
                f"Column '{col}' is not an identity column: it must hold 0/1, true/false or "
                f"fractions between 0 and 1. Choose identity columns {choose_hint}."
            ) from err
        raw = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        fractional = ~np.isnan(raw)
        values[fractional] = (raw[fractional] >= threshold).astype(float)
        out[str(col)] = values == 1.0
    return pd.DataFrame(out, index=frame.index)


@dataclass(frozen=True)
class IdentityMatches:
    """Which lexicon groups each post mentions, and with which terms.

    Attributes
    ----------
    groups : DataFrame of bool
        Posts x lexicon groups (all groups, even those never matched).
    terms : DataFrame of str
        Same shape: the lexicon terms matched for each group, comma-separated
        (singular form, in order of appearance), ``''`` where none.

    """

    groups: pd.DataFrame
    terms: pd.DataFrame

    def summary(self) -> pd.Series:
        """Per post, e.g. ``'muslim (muslim); woman (female)'``, ``''`` if none."""
        rows = []
        for values in self.terms.itertuples(index=False):
            parts = [f"{t} ({g})" for g, t in zip(self.terms.columns, values, strict=True) if t]
            rows.append("; ".join(parts))
        return pd.Series(rows, index=self.terms.index, name="identity_terms", dtype=object)


def match_identities(texts: Sequence[str], lexicon: Lexicon) -> IdentityMatches:
    """Detect identity groups in texts with the lexicon (whole words, any case).

    Parameters
    ----------
    texts : sequence of str
        The posts (None, NaN, ``pd.NA`` or any other non-string counts as empty).
    lexicon : Lexicon
        Identity terms by group.

    Returns
    -------
    IdentityMatches

    """
    names = lexicon.groups
    column = {g: j for j, g in enumerate(names)}
    found: dict[tuple[int, int], list[str]] = {}
    for i, text in enumerate(texts):
        if not isinstance(text, str) or not text:
            continue
        for match in lexicon.pattern.finditer(text):
            for group, term, _ in lexicon.entries(match.group()):
                terms = found.setdefault((i, column[group]), [])
                if term not in terms:
                    terms.append(term)
    cells = np.full((len(texts), len(names)), "", dtype=object)
    for (i, j), terms in found.items():
        cells[i, j] = ", ".join(terms)
    term_frame = pd.DataFrame(cells, columns=names)
    return IdentityMatches(groups=term_frame != "", terms=term_frame)
