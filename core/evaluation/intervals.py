"""How sure a held-out metric is: confidence intervals from the test-set size, and when a split is too small.

A "test AUC 1.000" from 20 test posts says little. The versions of the Model page
show each label's held-out AUC with the test-set size and a 95% interval, and a
version whose test split is too small to judge is marked as such.

* AUC: the Hanley-McNeil (1982) standard error from the AUC and the numbers of
  positive and negative posts. A model's headline AUC is the mean over its test
  datasets, so its variance is the sum of the per-dataset variances over ``k**2``.
* A share (precision, recall, flag rate): the Wilson score interval.
* :data:`MIN_TEST_PER_CLASS`: a label whose test split has fewer positive or fewer
  negative posts than this is "too small to judge". At 50 of each and an AUC of 0.9
  the 95% interval is already about +-0.06 wide, about the gap between two versions
  worth telling apart; below that the interval, not the point, is the honest answer.

Pure functions; NaN where a quantity is undefined, never an exception.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

__all__ = [
    "MIN_TEST_PER_CLASS",
    "Z95",
    "auc_interval",
    "auc_standard_error",
    "held_out_summary",
    "wilson_interval",
]

Z95 = 1.959963984540054
"""Two-sided 95% quantile of the standard normal."""
MIN_TEST_PER_CLASS = 50
"""Positive and negative test posts a label needs before its held-out metrics are worth comparing."""
SUMMARY_COLUMNS = ["label", "datasets", "n", "positives", "negatives", "roc_auc", "low", "high", "too_small", "reason"]


def auc_standard_error(auc: float, n_pos: int, n_neg: int) -> float:
    """Hanley-McNeil standard error of an AUC from ``n_pos`` positives and ``n_neg`` negatives (NaN if undefined)."""
    if not (n_pos > 0 and n_neg > 0) or not math.isfinite(auc) or not 0.0 <= auc <= 1.0:
        return math.nan
    q1 = auc / (2.0 - auc)
    q2 = 2.0 * auc * auc / (1.0 + auc)
    variance = (auc * (1 - auc) + (n_pos - 1) * (q1 - auc * auc) + (n_neg - 1) * (q2 - auc * auc)) / (n_pos * n_neg)
    return math.sqrt(max(variance, 0.0))


def auc_interval(auc: float, n_pos: int, n_neg: int, z: float = Z95) -> tuple[float, float]:
    """Hanley-McNeil interval of an AUC, clipped to [0, 1]; ``(nan, nan)`` when undefined.

    Near 0 or 1 (within half a post of the smaller class) Hanley-McNeil's error
    vanishes, so a perfect AUC on six positives would look certain; there the
    interval is the Wilson interval of the AUC as a share of the smaller class
    (the AUC's largest possible variance is ``AUC (1 - AUC) / min(n_pos, n_neg)``).
    """
    se = auc_standard_error(auc, n_pos, n_neg)
    if math.isnan(se):
        return math.nan, math.nan
    smaller = min(n_pos, n_neg)
    if min(auc, 1.0 - auc) < 0.5 / smaller:
        return wilson_interval(round(auc * smaller), smaller, z)
    return max(0.0, auc - z * se), min(1.0, auc + z * se)


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a share ``successes / n``; ``(nan, nan)`` for ``n == 0``."""
    if n <= 0:
        return math.nan, math.nan
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _pooled_error(auc: float, n_pos: int, n_neg: int) -> float:
    """One test dataset's AUC standard error, for the pooled mean.

    Hanley-McNeil; near 0 or 1, where it vanishes (see :func:`auc_interval`), the
    Wilson interval's half-width over z, so a perfect AUC on every dataset does not
    make the mean look certain.
    """
    smaller = min(n_pos, n_neg)
    if smaller > 0 and math.isfinite(auc) and min(auc, 1.0 - auc) < 0.5 / smaller:
        low, high = wilson_interval(round(auc * smaller), smaller)
        return (high - low) / (2 * Z95)
    return auc_standard_error(auc, n_pos, n_neg)


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return math.nan
    return float(value)


def held_out_summary(
    evaluation: Sequence[Mapping[str, object]], labels: Sequence[str], *, min_per_class: int = MIN_TEST_PER_CLASS
) -> pd.DataFrame:
    """Per label: the mean held-out ROC AUC over the test datasets, its 95% interval, and the test-set size.

    Parameters
    ----------
    evaluation
        A model's ``evaluation`` records (``label``, ``n``, ``positives``, ``roc_auc`` per test dataset).
    labels
        The model's labels, one row each (in this order).
    min_per_class
        Fewer positive or negative test posts than this: ``too_small`` is True and ``reason`` says why.

    Returns
    -------
    pandas.DataFrame
        Columns ``label, datasets, n, positives, negatives, roc_auc, low, high, too_small, reason``;
        ``roc_auc`` is NaN and ``too_small`` True for a label without a usable test split.

    """
    rows = []
    for label in labels:
        usable = []
        for record in evaluation:
            if record.get("label") != label:
                continue
            n, positives = _number(record.get("n")), _number(record.get("positives"))
            auc = _number(record.get("roc_auc"))
            if 0 < positives < n < math.inf and 0.0 <= auc <= 1.0:  # both classes, an AUC (NaN fails)
                usable.append((int(n), int(positives), auc))
        n = sum(item[0] for item in usable)
        positives = sum(item[1] for item in usable)
        negatives = n - positives
        if usable:
            auc = sum(item[2] for item in usable) / len(usable)
            errors = [_pooled_error(a, p, total - p) for total, p, a in usable]
            se = math.sqrt(sum(e * e for e in errors)) / len(usable)
            if len(usable) == 1:
                low, high = auc_interval(usable[0][2], usable[0][1], usable[0][0] - usable[0][1])
            else:
                low, high = max(0.0, auc - Z95 * se), min(1.0, auc + Z95 * se)
        else:
            auc, low, high = math.nan, math.nan, math.nan
        fewest = min(positives, negatives)
        too_small = not usable or fewest < min_per_class
        if not usable:
            reason = f"no held-out test split with both classes for {label}"
        elif too_small:
            which = "positive" if positives < negatives else "negative"
            reason = (
                f"only {fewest:,} {which} test post(s) for {label} (at least {min_per_class} of each class "
                "are needed to judge)"
            )
        else:
            reason = ""
        rows.append(
            {
                "label": label,
                "datasets": len(usable),
                "n": n,
                "positives": positives,
                "negatives": negatives,
                "roc_auc": auc,
                "low": low,
                "high": high,
                "too_small": too_small,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
