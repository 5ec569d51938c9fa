"""A keyword-based stand-in for the LSTM classifier: fast, deterministic, no TensorFlow."""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from pathlib import Path

import numpy as np

TOXIC_WORDS = ("idiot", "stupid", "moron", "loser", "hate", "shut up")
HATE_WORDS = ("hate", "vermin", "go back")
COMMON_WORDS = "a again an and are back day good hello here home i is it my nice of post the there this to what you"
VOCABULARY = frozenset([*" ".join((*TOXIC_WORDS, *HATE_WORDS)).split(), *COMMON_WORDS.split()])
"""The words the fake knows (its "vocabulary"): anything else counts as out of vocabulary."""
WINDOW = 20
"""Words the fake reads at once: longer posts count as scored in windows (the real model reads 120)."""
_PUNCTUATION = re.compile(f"[{re.escape(string.punctuation)}]")


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

    @staticmethod
    def _words(text: str) -> list[str]:
        return _PUNCTUATION.sub(" ", str(text).lower()).split()

    def unknown_words(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Words per post and how many are not in :data:`VOCABULARY` (as the real model's vocabulary check)."""
        words = [self._words(text) for text in texts]
        return (
            np.array([len(w) for w in words], dtype=np.int64),
            np.array([sum(x not in VOCABULARY for x in w) for w in words], dtype=np.int64),
        )

    def long_post_mask(self, texts: Sequence[str]) -> np.ndarray:
        """True for posts of more than :data:`WINDOW` words (as the real model's long-post marker)."""
        return np.array([len(self._words(text)) > WINDOW for text in texts], dtype=bool)

    def warm_up(self) -> KeywordModel:
        self.predict_proba(["warm up"])
        return self


class LengthRecorder:
    """A predict function that remembers the longest text it was given (scores 0.5 per 'idiot', capped)."""

    def __init__(self) -> None:
        self.longest = 0

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.longest = max([self.longest, *(len(text) for text in texts)])
        return np.array([[min(0.1 + 0.5 * text.count("idiot"), 1.0), 0.1] for text in texts])
