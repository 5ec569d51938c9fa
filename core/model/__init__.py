"""The classifier: Keras graph, training loop, hyper-parameters and saved model directories.

- :mod:`~core.model.classifier`: :class:`ToxicityClassifier` (scikit-learn style ``fit`` / ``predict_proba``).
- :mod:`~core.model.network`: the Keras layers (raw strings in, one probability per label out).
- :mod:`~core.model.fitting`: the training loop (early stopping, plateau decay, weight averaging).
- :mod:`~core.model.config` / :mod:`~core.model.progress`: TensorFlow-free settings and progress events.
- :mod:`~core.model.labels`: the default labels ``("toxic", "hate")``, named once.
- :mod:`~core.model.artifact`: model directories (atomic save, ``safe_mode`` load, what may be replaced).
- :mod:`~core.model.metadata`: ``metadata.json`` as a typed, checked :class:`ModelMetadata` (the only reader/writer).

Names load lazily: ``from core.model import ModelConfig`` does not import TensorFlow.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "DEFAULT_LABELS": "core.model.labels",
    "NotFittedError": "core.model.classifier",
    "ToxicityClassifier": "core.model.classifier",
    "TrainingCancelled": "core.model.fitting",
    "ModelConfig": "core.model.config",
    "preset": "core.model.config",
    "ProgressCallback": "core.model.progress",
    "TrainingProgress": "core.model.progress",
    "LoadedArtifact": "core.model.artifact",
    "load_artifact": "core.model.artifact",
    "ModelMetadata": "core.model.metadata",
    "read_metadata": "core.model.metadata",
    "write_metadata": "core.model.metadata",
}
"""Public name -> module; loaded on first use so that importing the package stays cheap."""

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
