"""Training progress events: a TensorFlow-free module, so the dashboard can handle them cheaply."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TrainingProgress:
    """One progress event during :meth:`ToxicityClassifier.fit`.

    ``phase`` is ``"batch"`` (within an epoch) or ``"epoch"`` (an epoch ended,
    ``val_auc`` set). A progress callback may return ``False`` to cancel.
    """

    phase: str
    epoch: int
    epochs: int
    batch: int
    batches: int
    loss: float
    val_auc: float = math.nan


ProgressCallback = Callable[[TrainingProgress], "bool | None"]
