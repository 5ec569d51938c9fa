"""Assembly of the tidy result tables shared by the metric engines."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.bias.bootstrap import percentile_interval

__all__ = ["build_table", "ci_columns", "safe_divide", "too_small", "too_small_note"]


def safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` with NaN where the denominator is not positive (an empty group)."""
    ok = den > 0
    return np.where(ok, num / np.where(ok, den, 1.0), np.nan)


def too_small(n: np.ndarray, min_size: int) -> np.ndarray:
    """Groups whose metrics are withheld; the last (overall) row never is."""
    out = np.asarray(n) < min_size
    out[-1:] = False
    return out


def too_small_note(n: int, min_size: int) -> str:
    """Note for a group whose metrics are withheld because it has too few posts."""
    return f"only {n} post{'' if n == 1 else 's'} (fewer than {min_size}): metrics not computed"


def ci_columns(metric: str) -> tuple[str, str]:
    """Names of the lower and upper confidence bound columns of ``metric``."""
    return f"{metric}_low", f"{metric}_high"


def build_table(
    names: Sequence[str],
    counts: dict[str, np.ndarray],
    point: dict[str, np.ndarray],
    samples: dict[str, np.ndarray],
    *,
    invalid: np.ndarray,
    notes: Sequence[str],
    confidence: float,
) -> pd.DataFrame:
    """One row per group: counts, then each metric with its CI, then a note.

    Parameters
    ----------
    names : sequence of str
        Row labels (groups, then ``overall``).
    counts : dict of ndarray, shape (k,)
        Integer columns such as ``n``.
    point : dict of ndarray, shape (k,)
        Point estimates, in column order.
    samples : dict of ndarray, shape (B, k)
        Bootstrap replicates per metric; missing keys give NaN intervals.
    invalid : ndarray of bool, shape (k,)
        Rows whose metrics are withheld (too few posts): all NaN.
    notes : sequence of str
        Explanation per row (may be empty).
    confidence : float
        Coverage of the percentile intervals.

    """
    columns: dict[str, object] = {"group": list(names)}
    columns.update({key: np.asarray(v, dtype=np.int64) for key, v in counts.items()})
    nan = np.full(len(names), np.nan)
    for metric, values in point.items():
        low, high = (nan, nan)
        if metric in samples:
            low, high = percentile_interval(samples[metric], confidence)
        lo_name, hi_name = ci_columns(metric)
        columns[metric] = np.where(invalid, np.nan, values)
        columns[lo_name] = np.where(invalid | np.isnan(values), np.nan, low)
        columns[hi_name] = np.where(invalid | np.isnan(values), np.nan, high)
    columns["note"] = list(notes)
    return pd.DataFrame(columns)
