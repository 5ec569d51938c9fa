"""A keyword-based stand-in for the LSTM classifier: fast, deterministic, no TensorFlow."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

TOXIC_WORDS = ("idiot", "stupid", "moron", "loser", "hate", "shut up")
HATE_WORDS = ("hate", "vermin", "go back")


class KeywordModel:
    """Scores 0.1 + 0.45 per toxic (hate) keyword found, capped at 0.95; thresholds 0.5.

    So a post with one keyword scores 0.55 (flagged), none 0.1 (not flagged).
    ``calls`` counts ``predict_proba`` calls, to check that cached scores are reused.
    """

    def __init__(self, model_dir: Path | str = "fake-model") -> None:
        self.labels_ = ["toxic", "hate"]
        self.thresholds_ = {"toxic": 0.5, "hate": 0.5}
        self.model_dir_ = Path(model_dir)
        self.calls = 0
        self.metadata_ = {
            "name": "keyword-fake",
            "created": "2026-01-01T00:00:00+00:00",
            "labels": list(self.labels_),
            "thresholds": dict(self.thresholds_),
            "training_data": {"made-up": {"rows": 16, "mapping": "toxic = any keyword; hate = hate keyword"}},
            "headline": {"mean_test_roc_auc_toxic": 0.9, "mean_test_roc_auc_hate": 0.8},
            "n_train": 12,
            "n_validation": 4,
        }

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), 2), dtype=np.float32)
        for i, text in enumerate(texts):
            lower = str(text).lower()
            out[i, 0] = min(0.95, 0.1 + 0.45 * sum(word in lower for word in TOXIC_WORDS))
            out[i, 1] = min(0.95, 0.1 + 0.45 * sum(word in lower for word in HATE_WORDS))
        return out

    def warm_up(self) -> KeywordModel:
        self.predict_proba(["warm up"])
        return self
