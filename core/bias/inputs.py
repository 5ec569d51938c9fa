"""Validation and canonical ordering of the inputs of the bias metrics.

Rows are sorted by (score, label, group memberships) so that identical rows
are interchangeable: results, bootstrap intervals included, then do not
depend on the order of the user's rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.bias.ranking import tie_blocks
from core.errors import InputError
from core.io.labels import MISSING_WORDS, NEGATIVE_WORDS, POSITIVE_WORDS

__all__ = ["OVERALL", "Prepared", "prepare"]

#: Name of the row that covers all posts.
OVERALL = "overall"


@dataclass(frozen=True)
class Prepared:
    """Inputs ready for the metric engines, rows in canonical order.

    Attributes
    ----------
    names : list of str
        Group names followed by ``OVERALL``.
    score : ndarray, shape (n,)
        Scores, ascending.
    label : ndarray of bool, shape (n,), or None
        True for positives; None for unlabelled metrics.
    members : ndarray of bool, shape (n, k + 1)
        Group memberships; the last column (``OVERALL``) is all True.
    start, end : ndarray of int, shape (n,)
        Bounds of tied scores (see :func:`core.bias.ranking.tie_blocks`).
    dropped : int
        Rows left out for a missing score or label.

    """

    names: list[str]
    score: np.ndarray
    label: np.ndarray | None
    members: np.ndarray
    start: np.ndarray
    end: np.ndarray
    dropped: int

    @property
    def n(self) -> int:
        """Number of usable rows."""
        return int(self.score.shape[0])


def _group_matrix(groups: pd.DataFrame, n: int) -> tuple[list[str], np.ndarray]:
    if not isinstance(groups, pd.DataFrame):
        raise InputError(
            "Identity groups must be a table (DataFrame) of true/false, one row per post and one column per group."
        )
    if len(groups) != n:
        raise InputError(
            f"The identity groups have {len(groups)} rows but there are {n} scores; give one row per post."
        )
    names = [str(c) for c in groups.columns]
    if len(set(names)) != len(names):
        raise InputError("Identity group names must be unique; rename the repeated group columns.")
    if OVERALL in names:
        raise InputError(f"'{OVERALL}' is reserved for the row covering all posts; rename that group column.")
    values = groups.to_numpy()
    if values.dtype != bool:
        numeric = pd.DataFrame(groups).apply(pd.to_numeric, errors="coerce").to_numpy(float)
        if not np.isin(numeric, (0.0, 1.0)).all():
            raise InputError(
                "Identity groups must hold booleans or 0/1; choose group columns of 0/1 or true/false "
                "(fractions are converted by core.bias.groups.groups_from_columns)."
            )
        values = numeric == 1.0
    return names, values.reshape(n, len(names))


def _as_scores(y_score: npt.ArrayLike) -> np.ndarray:
    """Scores as a flat float array (NaN for missing); text that is not a number is an :class:`InputError`."""
    try:
        return np.asarray(y_score, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        pass
    values = pd.Series(np.asarray(y_score, dtype=object).ravel())
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    if (np.isnan(numbers) & values.notna().to_numpy()).any():
        raise InputError("Scores must be numbers (empty for missing); choose the model's score column (score_<label>).")
    return numbers


def _as_labels(y_true: npt.ArrayLike) -> np.ndarray:
    """Labels as a flat float array of 1/0/NaN; true/false, yes/no and empty text are read as in label columns."""
    try:
        return np.asarray(y_true, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        pass
    values = pd.Series(np.asarray(y_true, dtype=object).ravel())
    words = values.astype("string").str.strip().str.lower().fillna("")
    numbers = pd.to_numeric(words, errors="coerce").to_numpy(dtype=np.float64)
    numbers[words.isin(POSITIVE_WORDS).to_numpy()] = 1.0
    numbers[words.isin(NEGATIVE_WORDS).to_numpy()] = 0.0
    missing = words.isin(MISSING_WORDS).to_numpy()
    if (np.isnan(numbers) & ~missing).any():
        raise InputError(
            "Labels must be 0/1 or true/false (empty for missing); choose a label column of 0/1 or true/false."
        )
    numbers[missing] = np.nan
    return numbers


def prepare(y_true: npt.ArrayLike | None, y_score: npt.ArrayLike, groups: pd.DataFrame) -> Prepared:
    """Validate, drop rows without a score (or label) and sort canonically.

    Parameters
    ----------
    y_true : array-like or None
        Labels 0/1 (or true/false, yes/no as text) with NaN, None or empty
        text for missing; None for unlabelled metrics.
    y_score : array-like of float
        Scores (numbers or numeric text), NaN or None for missing.
    groups : DataFrame of bool
        One column per group, one row per post, aligned by position.

    Returns
    -------
    Prepared

    Raises
    ------
    InputError
        For labels other than 0/1 or true/false, scores that are not
        numbers, or groups that do not fit the posts.

    """
    score = _as_scores(y_score)
    names, members = _group_matrix(groups, score.shape[0])
    keep = np.isfinite(score)
    label = None
    if y_true is not None:
        raw = _as_labels(y_true)
        if raw.shape != score.shape:
            raise InputError(f"There are {raw.shape[0]} labels but {score.shape[0]} scores; give one label per post.")
        keep &= ~np.isnan(raw)
        if not np.isin(raw[keep], (0.0, 1.0)).all():
            raise InputError(
                "Labels must be 0/1 (empty for missing); choose a label column of 0/1, true/false or fractions."
            )
        label = raw == 1.0
    keys = [members[keep, j] for j in range(members.shape[1] - 1, -1, -1)]
    if label is not None:
        keys.append(label[keep])
    keys.append(score[keep])
    order = np.flatnonzero(keep)[np.lexsort(keys)]
    everyone = np.ones((order.shape[0], 1), dtype=bool)
    sorted_score = score[order]
    start, end = tie_blocks(sorted_score)
    return Prepared(
        names=[*names, OVERALL],
        score=sorted_score,
        label=None if label is None else label[order],
        members=np.hstack([members[order], everyone]),
        start=start,
        end=end,
        dropped=int(score.shape[0] - order.shape[0]),
    )
