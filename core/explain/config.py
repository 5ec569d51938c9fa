"""Frozen settings for SHAP explanations, with caps that keep one call bounded."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import ModLensError

MAX_EVALS_CAP = 20_000
"""Most model evaluations allowed per post (the 3,000-evaluation reference fits easily)."""
BATCH_SIZE_CAP = 1_000
"""Most partition-tree nodes evaluated per model call (2 texts per node)."""
MAX_TOKENS_CAP = 2_000
"""Most tokens explained per post; building SHAP's partition tree is quadratic in tokens."""


@dataclass(frozen=True)
class ExplainConfig:
    """How token attributions are computed.

    Parameters
    ----------
    max_evals
        Model evaluations per post for SHAP's Partition explainer. 500 measured
        about 0.15-0.2 s per post with rankings close to a 3,000-evaluation
        reference.
    batch_size
        Partition-tree nodes per model call. 100 keeps the model busy with
        batches of 200 texts; SHAP's default (10) is 3-4 times slower.
    max_tokens
        Tokens explained per post. Tokens after this many stay in the text, are
        never removed and get no attribution, so one very long post cannot stall
        the explainer. The default model reads only its first 120 words anyway.
    seed
        Seeds NumPy's global generator while SHAP runs (SHAP breaks ties with it),
        so the same post gives the same values; the previous state is restored.
        ``None`` leaves the generator alone.

    """

    max_evals: int = 500
    batch_size: int = 100
    max_tokens: int = 256
    seed: int | None = 0

    def __post_init__(self) -> None:
        """Reject values outside the caps with a message saying what is allowed."""
        _check_range("max_evals", self.max_evals, 10, MAX_EVALS_CAP)
        _check_range("batch_size", self.batch_size, 1, BATCH_SIZE_CAP)
        _check_range("max_tokens", self.max_tokens, 1, MAX_TOKENS_CAP)
        if self.seed is not None and not isinstance(self.seed, int):
            raise ModLensError(f"Explanation seed must be a whole number or None, not {self.seed!r}.")


def _check_range(name: str, value: object, low: int, high: int) -> None:
    """Raise :class:`ModLensError` unless ``value`` is an int in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ModLensError(f"Explanation setting {name} must be a whole number from {low} to {high}, not {value!r}.")
