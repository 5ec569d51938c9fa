"""Configuration of the bias metrics, kept in one frozen dataclass."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import ConfigError

__all__ = ["BiasConfig"]


@dataclass(frozen=True)
class BiasConfig:
    """Settings shared by the labelled and unlabelled bias metrics.

    Parameters
    ----------
    threshold : float
        Score at or above which a post counts as flagged (for FPR, FNR,
        precision and flag rates).
    n_bootstrap : int
        Number of bootstrap resamples for the confidence intervals; 0 skips
        them (the interval columns are then NaN).
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
        if not isinstance(self.threshold, int | float) or not 0.0 <= self.threshold <= 1.0:
            raise ConfigError(f"threshold must be a number from 0 to 1, not {self.threshold!r}.")
        if self.n_bootstrap < 0:
            raise ConfigError(f"n_bootstrap (bootstrap resamples) must be 0 or more, not {self.n_bootstrap}.")
        if self.min_group_size < 1:
            raise ConfigError(f"min_group_size must be at least 1, not {self.min_group_size}.")
        if not 0.0 < self.confidence < 1.0:
            raise ConfigError(f"confidence must be between 0 and 1 (e.g. 0.95), not {self.confidence}.")
        if self.power == 0:
            raise ConfigError("power (of the final bias metric's generalised mean) must not be 0; Jigsaw uses -5.")
        if not 0.0 <= self.overall_weight <= 1.0:
            raise ConfigError(f"overall_weight must be from 0 to 1 (Jigsaw uses 0.25), not {self.overall_weight}.")
