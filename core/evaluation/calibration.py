"""Calibration of scores: temperature scaling and reliability tables.

A score is calibrated when, of the posts scored about 0.7, about 70% carry the
label. Temperature scaling divides each label's logit by one number fitted on
validation data (minimum log loss); it never changes the ranking, so ROC AUC is
untouched. :func:`reliability_table` shows how well scores match observed rates
(tidy rows per score bin); :func:`expected_calibration_error` sums it up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

_EPS = 1e-6


def logits(scores: np.ndarray) -> np.ndarray:
    """Inverse sigmoid of probabilities, clipped away from 0 and 1."""
    p = np.clip(np.asarray(scores, dtype=np.float64), _EPS, 1 - _EPS)
    return np.log(p) - np.log1p(-p)


def apply_temperature(scores: np.ndarray, temperature: float) -> np.ndarray:
    """``sigmoid(logit(scores) / temperature)``; exact zeros (posts without words) stay 0."""
    scores = np.asarray(scores, dtype=np.float64)
    tempered = 1.0 / (1.0 + np.exp(-logits(scores) / temperature))
    return np.where(scores == 0, 0.0, tempered)


def log_loss(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Mean binary log loss (NaN when there are no rows)."""
    y = np.asarray(y_true, dtype=np.float64)
    if not len(y):
        return math.nan
    p = np.clip(np.asarray(scores, dtype=np.float64), _EPS, 1 - _EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def fit_temperature(y_true: np.ndarray, scores: np.ndarray, bounds: tuple[float, float] = (0.05, 20.0)) -> float:
    """The temperature with the lowest log loss on known labels (1.0 when one class or no rows).

    NaN labels (unknown) and exact zero scores (posts without words, which the model
    gates to 0 whatever the temperature) are left out.
    """
    from scipy.optimize import minimize_scalar

    y = np.asarray(y_true, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    keep = ~np.isnan(y) & (s > 0)
    y, z = y[keep], logits(s[keep])
    if len(np.unique(y)) < 2:
        return 1.0

    def loss(log_t: float) -> float:
        return log_loss(y, 1.0 / (1.0 + np.exp(-z / math.exp(log_t))))

    result = minimize_scalar(loss, bounds=(math.log(bounds[0]), math.log(bounds[1])), method="bounded")
    return float(math.exp(result.x))


def reliability_table(y_true: np.ndarray, scores: np.ndarray, n_bins: int = 10) -> pd.DataFrame:
    """Observed rate of the label per score bin (equal-width bins on [0, 1]).

    Returns
    -------
    pandas.DataFrame
        One row per bin: ``bin``, ``lower``, ``upper``, ``n``, ``mean_score``,
        ``observed_rate`` (NaN for an empty bin) and ``gap`` (observed minus mean
        score). Rows with an unknown (NaN) label are left out.

    """
    y = np.asarray(y_true, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    if y.shape != s.shape:
        raise ValueError(f"labels and scores differ in shape: {y.shape} vs {s.shape}")
    keep = ~np.isnan(y) & ~np.isnan(s)
    y, s = y[keep], s[keep]
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # bin k holds [k/n, (k+1)/n): from the score itself, as linspace's edges (0.30000000000000004) put 0.3 below
    index = np.clip(np.floor(np.round(s * n_bins, 9)).astype(np.int64), 0, n_bins - 1)
    rows = []
    for b in range(n_bins):
        member = index == b
        n = int(member.sum())
        mean_score = float(s[member].mean()) if n else math.nan
        observed = float(y[member].mean()) if n else math.nan
        rows.append(
            {
                "bin": b,
                "lower": float(edges[b]),
                "upper": float(edges[b + 1]),
                "n": n,
                "mean_score": mean_score,
                "observed_rate": observed,
                "gap": observed - mean_score if n else math.nan,
            }
        )
    return pd.DataFrame(rows)


def expected_calibration_error(table: pd.DataFrame) -> float:
    """Share-weighted mean of ``|observed rate - mean score|`` over the bins of a reliability table."""
    total = table["n"].sum()
    if not total:
        return math.nan
    filled = table[table["n"] > 0]
    return float((filled["n"] * (filled["observed_rate"] - filled["mean_score"]).abs()).sum() / total)


def reliability_from_metadata(metadata: Mapping[str, Any], label: str) -> pd.DataFrame:
    """The reliability table stored with a model (``metadata['checks']['calibration'][label]['table']``).

    Training stores one per label, measured on the pooled test splits; a model without it
    (v3 and older, or trained on other data) gives an empty table with the same columns.
    """
    rows = metadata.get("checks", {}).get("calibration", {}).get(label, {}).get("table", [])
    columns = ["bin", "lower", "upper", "n", "mean_score", "observed_rate", "gap"]
    return pd.DataFrame(rows, columns=columns)
