"""Fixtures of the figure tests: scores of one label with partly unknown labels."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    truth = (rng.random(5_000) < 0.3).astype(float)
    scores = np.clip(0.35 * truth + 0.6 * rng.random(5_000), 0, 1)
    truth[:100] = np.nan  # unknown labels are left out of curves
    return truth, scores
