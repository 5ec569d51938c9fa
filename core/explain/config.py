"""Frozen settings for SHAP explanations, with caps that keep one call bounded."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import ConfigError

MAX_EVALS_CAP = 20_000
"""Most model evaluations allowed per post (the 3,000-evaluation reference fits easily)."""
BATCH_SIZE_CAP = 1_000
"""Most masked texts scored per model call."""
MAX_TOKENS_CAP = 2_000
"""Most words explained per post, for explanation cost (SHAP's partition tree is quadratic in words).

Also the default: every word of a post up to 2,000 words gets an attribution; the
words after that stay in the post, count for its score, and get none. The result
says so (``n_tokens``, ``n_explained`` and ``token_cap`` in ``Attributions.posts``)."""
MAX_CHARS_CAP = 1_000_000
"""Most characters of one post given to the explainer (each masked copy is a copy of the text)."""


@dataclass(frozen=True)
class ExplainConfig:
    """How token attributions are computed.

    Parameters
    ----------
    max_evals
        Model evaluations per post for SHAP's Partition explainer. On the
        default model (v9; v9.1 has its weights) and 2 idle CPU cores, a 50-word
        post takes a median of 94-97 ms at 700 (two runs; v9.1: 87 ms), with token
        rankings at a median Spearman of 0.951 against a 3,000-evaluation reference
        (40 posts; v8: 0.947, and 750 evaluations cost it 102 ms)
        (``benchmarks/explain_latency.py``).
    batch_size
        Masked texts per model call (SHAP's Partition ``batch_size``). 100
        keeps the model busy with large batches; SHAP's default (10) is 3-4
        times slower.
    max_tokens
        Words explained per post (default and upper bound :data:`MAX_TOKENS_CAP`).
        Words after this many stay in the text, are never removed and get no
        attribution, so one very long post cannot stall the explainer. Scoring
        reads long posts in overlapping windows (every word can raise the score),
        so the default covers whole posts up to the cap.
    max_chars
        Characters of a post given to the explainer; longer posts are cut, with a
        note in :attr:`~core.explain.shap_values.Attributions.notes`. Every masked
        variant SHAP scores is a copy of the text, so without this cap one 10 MB
        post costs gigabytes and minutes. The default, 20,000 characters (about
        3,500 words, past the :data:`MAX_TOKENS_CAP` words that get attributions),
        covers nearly every real post; a longer one is explained from its start and
        its explained score can differ from its full-post score (the note says so).
        Measured on a 10 MB post: 100,000 characters took 187 s and 1.4 GB on a
        busy 2-core machine; 20,000 keeps one explanation to tens of seconds.
    fixed_context
        SHAP's Partition option. ``None`` (default) computes Owen values, each
        group judged both with and without its context. ``0`` judges each
        group with the rest of the post removed: it needs only about two
        evaluations per token (about 0.05 s for 50 words), but its values drift
        from the Owen values (median Spearman 0.93 on the default model) and
        interactions such as negation are spread evenly instead of resolved.
    seed
        Seeds NumPy's global generator while SHAP runs (SHAP breaks ties with it),
        so the same post gives the same values; the previous state is restored.
        ``None`` leaves the generator alone. Runs in parallel threads share
        that generator: their values stay valid, only exact repeatability goes.

    """

    max_evals: int = 700
    batch_size: int = 100
    max_tokens: int = MAX_TOKENS_CAP
    max_chars: int = 20_000
    fixed_context: int | None = None
    seed: int | None = 0

    def __post_init__(self) -> None:
        """Reject values outside the caps with a message saying what is allowed."""
        _check_range("max_evals", self.max_evals, 10, MAX_EVALS_CAP)
        _check_range("batch_size", self.batch_size, 1, BATCH_SIZE_CAP)
        _check_range("max_tokens", self.max_tokens, 1, MAX_TOKENS_CAP)
        _check_range("max_chars", self.max_chars, 1, MAX_CHARS_CAP)
        if self.fixed_context not in (None, 0, 1) or isinstance(self.fixed_context, bool):
            raise ConfigError(f"Explanation setting fixed_context must be None, 0 or 1, not {self.fixed_context!r}.")
        if self.seed is not None and not isinstance(self.seed, int):
            raise ConfigError(f"Explanation seed must be a whole number or None, not {self.seed!r}.")


def _check_range(name: str, value: object, low: int, high: int) -> None:
    """Raise :class:`~core.errors.ConfigError` unless ``value`` is an int in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"Explanation setting {name} must be a whole number from {low} to {high}, not {value!r}.")
