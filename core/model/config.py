"""Frozen configuration for the classifier: hyper-parameters and named presets."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from core.errors import ConfigError

_WHOLE_RANGES = (
    ("vocab_size", 2, 10_000_000),
    ("embedding_dim", 1, 4_096),
    ("lstm_units", 1, 4_096),
    ("sequence_length", 1, 100_000),
    ("epochs", 1, 1_000),
    ("batch_size", 1, 1_000_000),
    ("patience", 1, 1_000),
    ("seed", 0, 2**32 - 1),
    ("max_chars", 1, 10_000_000),
)
"""Whole-number settings and their allowed ranges (inclusive)."""
_REAL_RANGES = (
    ("dropout", 0.0, 1.0, False),
    ("embedding_dropout", 0.0, 1.0, False),
    ("learning_rate", 0.0, 1.0, True),
    ("plateau_decay", 0.0, 1.0, True),
    ("weight_average", 0.0, 1.0, False),
    ("validation_fraction", 0.0, 1.0, False),
    ("max_positive_weight", 1.0, 1_000.0, True),
)
"""Real-number settings: (name, low, high, high included)."""
NORMALIZERS = ("basic", "robust", "robust2")
"""Text normalisers in the graph: the v3 standardiser, the robust one, and the robust one that also reads Unicode
punctuation (see :func:`core.model.robust.normalize_post_v2`)."""


@dataclass(frozen=True)
class ModelConfig:
    """Hyper-parameters of the LSTM classifier and its training.

    The ``seed`` preset is the configuration of the classic Keras text
    classification example; ``default`` is what measured best on the bundled
    public datasets (see the default model's card). Field defaults leave the
    training schedule extras off (``plateau_decay``, ``weight_average``), so the
    metadata of models trained before them reads back as trained.
    """

    preset: str = "default"
    vocab_size: int = 15_000
    embedding_dim: int = 96
    lstm_units: int = 64
    bidirectional: bool = True
    sequence_length: int = 120
    dropout: float = 0.3
    embedding_dropout: float = 0.3
    """Share of embedding channels dropped per post in training (SpatialDropout1D)."""
    pooling: str = "maxavg"
    """How the LSTM's outputs become one vector: ``last`` state, or ``maxavg`` (masked max and mean over time)."""
    learning_rate: float = 1e-3
    epochs: int = 6
    batch_size: int = 64
    patience: int = 2
    """Epochs without a better validation AUC before training stops."""
    plateau_decay: float = 1.0
    """On an epoch without a better validation AUC, training goes back to the best weights and
    multiplies the learning rate by this (1.0: keep going from the last weights at the same rate)."""
    weight_average: float = 0.0
    """Momentum of an exponential moving average of the weights over training steps; at each
    epoch the averaged weights are validated and kept (0: off, the raw weights)."""
    validation_fraction: float = 0.1
    max_positive_weight: float = 5.0
    seed: int = 13
    max_chars: int = 5_000
    """Characters of a post that the model reads; longer posts are cut for the model only."""
    normalizer: str = "basic"
    """``basic``: the v3 standardiser; ``robust``: also undoes leetspeak, repeated and spaced-out letters;
    ``robust2``: ``robust`` that also reads typographic and other Unicode punctuation (``“ ” ’ … —``) as ASCII."""
    word_chars: int = 0
    """Characters per word read by a character CNN beside the word embedding (0: off; needs ``robust`` or
    ``robust2``)."""
    char_filters: int = 64
    """Filters of the per-word character CNN."""
    calibrated: bool = False
    """Scores are temperature-scaled per label on validation data (a weight of the saved model)."""

    def __post_init__(self) -> None:
        """Reject settings of the wrong type or out of range, naming the setting and what it may be."""
        for name, low, high in _WHOLE_RANGES:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ConfigError(f"{name} must be a whole number from {low:,} to {high:,}, not {value!r}.")
        for name, low, high, closed in _REAL_RANGES:
            value = getattr(self, name)
            ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            if not ok or not (low <= value <= high if closed else low <= value < high):
                shown = f"from {low} up to {'and including' if closed else 'but not including'} {high}"
                raise ConfigError(f"{name} must be a number {shown}, not {value!r}.")
        if not 0 < self.learning_rate <= 1:
            raise ConfigError(f"learning_rate must be above 0 and at most 1 (e.g. 0.001), not {self.learning_rate!r}.")
        if not self.plateau_decay > 0:
            raise ConfigError(f"plateau_decay must be above 0 (e.g. 0.5), not {self.plateau_decay!r}.")
        if not 0 < self.validation_fraction < 1:
            raise ConfigError(f"validation_fraction must be between 0 and 1, not {self.validation_fraction!r}.")
        if self.pooling not in ("last", "maxavg"):
            raise ConfigError(f"pooling must be 'last' or 'maxavg', not {self.pooling!r}.")
        if not isinstance(self.bidirectional, bool) or not isinstance(self.preset, str):
            raise ConfigError("bidirectional must be true or false and preset a name.")
        if self.normalizer not in NORMALIZERS:
            raise ConfigError(f"normalizer must be 'basic', 'robust' or 'robust2', not {self.normalizer!r}.")
        if isinstance(self.word_chars, bool) or not isinstance(self.word_chars, int) or not 0 <= self.word_chars <= 64:
            raise ConfigError(f"word_chars must be a whole number from 0 (off) to 64, not {self.word_chars!r}.")
        if self.word_chars and self.normalizer == "basic":
            raise ConfigError("word_chars (the character channel) needs normalizer='robust' or 'robust2'.")
        if isinstance(self.char_filters, bool) or not isinstance(self.char_filters, int) or self.char_filters < 1:
            raise ConfigError(f"char_filters must be a whole number of at least 1, not {self.char_filters!r}.")
        if not isinstance(self.calibrated, bool):
            raise ConfigError(f"calibrated must be true or false, not {self.calibrated!r}.")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for ``metadata.json``."""
        return asdict(self)

    def with_overrides(self, **changes: Any) -> ModelConfig:
        """Copy with the given fields changed; ``None`` values are ignored."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ModelConfig:
        """Rebuild from ``metadata.json``, ignoring keys from other versions."""
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in values.items() if k in known})


SEED_PRESET = ModelConfig(
    preset="seed",
    vocab_size=10_000,
    embedding_dim=64,
    lstm_units=64,
    bidirectional=False,
    sequence_length=100,
    dropout=0.0,
    embedding_dropout=0.0,
    learning_rate=1e-3,
    epochs=10,
    batch_size=32,
    patience=10,
    max_positive_weight=1.0,
    pooling="last",
)
DEFAULT_PRESET = ModelConfig(
    plateau_decay=0.3, weight_average=0.995, normalizer="robust", calibrated=True, batch_size=128, epochs=5
)
"""The v4 default model's network: the robust normaliser and calibrated scores; no character channel, which
cost about 40% of scoring speed for no measurable gain on held-out data (see the default model's card)."""


def preset(name: str) -> ModelConfig:
    """Return the named preset (``seed`` or ``default``)."""
    presets = {"seed": SEED_PRESET, "default": DEFAULT_PRESET}
    if name not in presets:
        raise ConfigError(f"Unknown preset '{name}'. Choose one of: {', '.join(presets)}.")
    return presets[name]
