"""Frozen configuration for the classifier: hyper-parameters and named presets."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from core.errors import ModLensError


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
    """``basic``: the v3 standardiser; ``robust``: also undoes leetspeak, repeated and spaced-out letters."""
    word_chars: int = 0
    """Characters per word read by a character CNN beside the word embedding (0: off; needs ``robust``)."""
    char_filters: int = 64
    """Filters of the per-word character CNN."""
    calibrated: bool = False
    """Scores are temperature-scaled per label on validation data (a weight of the saved model)."""

    def __post_init__(self) -> None:
        """Reject schedule settings that would make training diverge or never average."""
        if not 0 < self.plateau_decay <= 1:
            raise ModLensError(
                f"plateau_decay must be above 0 and at most 1 (1 turns it off), not {self.plateau_decay}."
            )
        if not 0 <= self.weight_average < 1:
            raise ModLensError(
                f"weight_average must be from 0 (off) up to, not including, 1; not {self.weight_average}."
            )
        if self.patience < 1 or self.epochs < 1:
            raise ModLensError("epochs and patience must be at least 1.")
        if self.normalizer not in ("basic", "robust"):
            raise ModLensError(f"normalizer must be 'basic' or 'robust', not '{self.normalizer}'.")
        if self.word_chars < 0 or (self.word_chars and self.normalizer != "robust"):
            raise ModLensError("word_chars must be 0 (off), or positive together with normalizer='robust'.")

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
        raise ModLensError(f"Unknown preset '{name}'. Choose one of: {', '.join(presets)}.")
    return presets[name]
