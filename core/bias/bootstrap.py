"""Vectorised bootstrap: resample weights in chunks and percentile intervals.

A resample is represented by how often each row was drawn (a weight
vector), so statistics become weighted sums and matrix products over a
(resamples x rows) matrix instead of a Python loop per resample.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator

import numpy as np

__all__ = ["bootstrap", "percentile_interval", "resample_weights"]

#: Elements of one (resamples x rows) chunk; bounds memory to ~10 MB/array.
_CHUNK_ELEMENTS = 1_250_000

Stats = dict[str, np.ndarray]


def resample_weights(n: int, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n_resamples`` bootstrap resamples of ``n`` rows as counts.

    Parameters
    ----------
    n : int
        Number of rows.
    n_resamples : int
        Number of resamples.
    rng : numpy.random.Generator
        Source of randomness (seeded by the caller for reproducibility).

    Returns
    -------
    ndarray of float64, shape (n_resamples, n)
        Row ``b`` holds how often each row was drawn; each row sums to ``n``.

    """
    idx = rng.integers(0, n, size=(n_resamples, n))
    idx += np.arange(n_resamples)[:, None] * n
    counts = np.bincount(idx.ravel(), minlength=n_resamples * n)
    return counts.reshape(n_resamples, n).astype(np.float64)


def _chunks(n: int, n_resamples: int, seed: int) -> Iterator[np.ndarray]:
    rng = np.random.default_rng(seed)
    size = max(1, _CHUNK_ELEMENTS // max(n, 1))
    for first in range(0, n_resamples, size):
        yield resample_weights(n, min(size, n_resamples - first), rng)


def bootstrap(statistic: Callable[[np.ndarray], Stats], n: int, n_resamples: int, seed: int) -> Stats:
    """Evaluate ``statistic`` on ``n_resamples`` resamples of ``n`` rows.

    Parameters
    ----------
    statistic : callable
        Maps a weight matrix of shape (B, n) to a dict of arrays whose first
        axis has length B.
    n : int
        Number of rows.
    n_resamples : int
        Number of resamples.
    seed : int
        Seed of the random generator.

    Returns
    -------
    dict of ndarray
        The statistic's arrays stacked over all resamples (first axis
        ``n_resamples``); empty when ``n_resamples`` or ``n`` is 0.

    """
    if n_resamples == 0 or n == 0:
        return {}
    parts = [statistic(w) for w in _chunks(n, n_resamples, seed)]
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def percentile_interval(samples: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over the first axis, ignoring undefined resamples.

    Resamples where a statistic is NaN (e.g. a group drew no positives) are
    left out; if more than half of them are NaN the interval is NaN, since
    the remaining ones are a biased selection.

    Parameters
    ----------
    samples : ndarray, shape (B, ...)
        One replicate of the statistic per resample.
    confidence : float
        E.g. 0.95 for the 2.5 % and 97.5 % percentiles.

    Returns
    -------
    low, high : ndarray, shape (...)

    """
    alpha = (1.0 - confidence) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanquantile(samples, [alpha, 1.0 - alpha], axis=0)
    too_sparse = np.isnan(samples).mean(axis=0) > 0.5
    return np.where(too_sparse, np.nan, low), np.where(too_sparse, np.nan, high)
