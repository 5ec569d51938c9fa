"""Configuration of the bias metrics, kept in one frozen dataclass."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from core.errors import ConfigError

__all__ = ["MAX_BOOTSTRAP", "BiasConfig"]

MAX_BOOTSTRAP = 10_000
"""Most bootstrap resamples allowed: more does not steady a 95% interval further, only costs time and memory."""


def _is_int(value: object) -> bool:
    """True for an integer (Python or NumPy), False for bool, float, str and the rest."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _is_number(value: object) -> bool:
    """True for a real number (Python or NumPy, NaN included), False for bool, str and the rest."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


@dataclass(frozen=True)
class BiasConfig:
    """Settings shared by the labelled and unlabelled bias metrics.

    Parameters
    ----------
    threshold : float
        Score at or above which a post counts as flagged (for FPR, FNR,
        precision and flag rates).
    n_bootstrap : int
        Number of bootstrap resamples for the confidence intervals, from 0
        to :data:`MAX_BOOTSTRAP`; 0 skips them (the interval columns are
        then NaN).
    min_group_size : int
        Groups with fewer posts get NaN metrics and a note, because their
        estimates would be noise (the overall row is always computed).
    confidence : float
        Coverage of the percentile bootstrap intervals, e.g. 0.95.
    seed : int
        Seed of the resampling, so that reruns give the same intervals.
    power : float
        Exponent of the generalised mean in the Jigsaw final bias metric
        (-5 stresses the worst groups).
    overall_weight : float
        Weight of the overall AUC in the final bias metric (0.25 in Jigsaw).

    """

    threshold: float = 0.5
    n_bootstrap: int = 1000
    min_group_size: int = 5
    confidence: float = 0.95
    seed: int = 0
    power: float = -5.0
    overall_weight: float = 0.25

    def __post_init__(self) -> None:
        """Reject settings out of range (NaN included), saying what is allowed."""
        if not _is_number(self.threshold) or not 0.0 <= self.threshold <= 1.0:
            raise ConfigError(f"threshold must be a number from 0 to 1, not {self.threshold!r}.")
        if not _is_int(self.n_bootstrap) or not 0 <= self.n_bootstrap <= MAX_BOOTSTRAP:
            raise ConfigError(
                f"n_bootstrap (bootstrap resamples) must be a whole number from 0 to {MAX_BOOTSTRAP:,}, "
                f"not {self.n_bootstrap!r}."
            )
        if not _is_int(self.min_group_size) or self.min_group_size < 1:
            raise ConfigError(f"min_group_size must be a whole number of at least 1, not {self.min_group_size!r}.")
        if not _is_int(self.seed):
            raise ConfigError(f"seed must be a whole number, not {self.seed!r}.")
        if not _is_number(self.confidence) or not 0.0 < self.confidence < 1.0:
            raise ConfigError(f"confidence must be between 0 and 1 (e.g. 0.95), not {self.confidence!r}.")
        if not _is_number(self.power) or not math.isfinite(self.power) or self.power == 0:
            raise ConfigError(
                f"power (of the final bias metric's generalised mean) must be a finite number other than 0, "
                f"not {self.power!r}; Jigsaw uses -5."
            )
        if not _is_number(self.overall_weight) or not 0.0 <= self.overall_weight <= 1.0:
            raise ConfigError(f"overall_weight must be from 0 to 1 (Jigsaw uses 0.25), not {self.overall_weight}.")
