"""Training runs: public datasets, debiasing, post-training checks and the model card.

- :mod:`~core.training.pipeline`: :class:`TrainingRequest` -> a saved, evaluated model directory.
- :mod:`~core.training.datasets`: loaders and label mappings of the public datasets.
- :mod:`~core.training.debias`: identity augmentation and loss weights.
- :mod:`~core.training.checks`: templated identity test, functional cases, unseen data.
- :mod:`~core.training.card`: the model card in Markdown.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "TrainingRequest": "core.training.pipeline",
    "gather": "core.training.pipeline",
    "train": "core.training.pipeline",
    "DEFAULT_DATA_DIR": "core.training.datasets",
    "LabelledSet": "core.training.datasets",
    "available": "core.training.datasets",
    "load_all": "core.training.datasets",
    "DebiasConfig": "core.training.debias",
    "run_checks": "core.training.checks",
    "render_card": "core.training.card",
}
"""Public name -> module; loaded on first use so that importing the package stays cheap."""

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
