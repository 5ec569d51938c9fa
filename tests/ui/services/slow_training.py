"""A stand-in training for the child-process tests: reports progress forever, never imports TensorFlow.

Run as a module (``python -m tests.ui.services.slow_training HOME``) it plays a dashboard
server: it starts one training on a :class:`ui.services.training.TrainingBoard`, prints
``{"child": PID, "run": DIR}`` once the child is training, then waits to be killed.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Progress:
    phase: str
    epoch: int
    epochs: int
    batch: int
    batches: int
    loss: float
    val_auc: float = math.nan


def body(request: Any, progress: Any, log: Any) -> None:
    """Train forever (until stopped): a progress report every 50 ms."""
    log("Training on 2 posts, validating on 0 (slow stand-in).")
    batch = 0
    while True:
        batch += 1
        if progress(Progress("batch", 1, 1, batch % 10 + 1, 10, 0.5)) is False:
            from core.errors import TrainingCancelled

            raise TrainingCancelled("Training was cancelled.")
        time.sleep(0.05)


def main(home: str) -> None:
    os.environ["MODLENS_HOME"] = home
    from core.model.config import preset
    from core.registry import ModelRegistry
    from tests.ui.services.slow_training import body as slow_body  # by module name, so the child can import it
    from ui.services import training
    from ui.services.training_process import train_in_child

    def train_model(spec, workdir, progress, log, stop=None, *, on_start=None) -> Path:
        return train_in_child(spec, workdir, progress, log, stop, on_start=on_start, body=slow_body)

    training.train_model = train_model
    labels = pd.DataFrame({"text": ["alice@example.com is kind", "you idiot"], "toxic": [0.0, 1.0], "hate": np.nan})
    spec = training.TrainingSpec(name="slow", source="test", config=preset("seed"), table=labels, table_name="labels")
    board = training.TrainingBoard()
    job = board.start(spec, ModelRegistry())
    while not job.events():
        if not job.running:
            print(json.dumps({"error": job.error}), flush=True)
            return
        time.sleep(0.05)
    from ui.services.training_runs import runs

    (run,) = runs()
    child = run.child()
    print(json.dumps({"child": child.pid if child else None, "run": str(run.path)}), flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main(sys.argv[1])
