"""Configuration of the bias metrics, kept in one frozen dataclass."""

from __future__ import annotations

from dataclasses import dataclass

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
        if self.n_bootstrap < 0:
            raise ValueError(f"n_bootstrap must be >= 0, got {self.n_bootstrap}")
        if self.min_group_size < 1:
            raise ValueError(f"min_group_size must be >= 1, got {self.min_group_size}")
        if not 0.0 < self.confidence < 1.0:
            raise ValueError(f"confidence must be in (0, 1), got {self.confidence}")
        if self.power == 0:
            raise ValueError("power must be non-zero")
        if not 0.0 <= self.overall_weight <= 1.0:
            raise ValueError(f"overall_weight must be in [0, 1], got {self.overall_weight}")
