"""Compile SHAP's just-in-time code before the first reviewer asks for an explanation.

SHAP's Partition explainer runs numba functions that are compiled on their first
call in each process: about 6 seconds on the 2-core reference machine, which the
first explanation after a server start used to pay. The compiled code depends
only on argument types, not on the model, so a tiny explanation with a constant
stand-in model compiles all of it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.explain.config import ExplainConfig
from core.explain.shap_values import explain_text

WARM_UP_TEXT = "compile shap once"
"""Three words: SHAP's partition tree (and so its compiled code) needs at least two."""


def _constant(texts: Sequence[str]) -> np.ndarray:
    """A stand-in model: every text scores 0.5 on two labels."""
    return np.full((len(texts), 2), 0.5)


def warm_up_shap(config: ExplainConfig | None = None) -> None:
    """Run one explanation of :data:`WARM_UP_TEXT` with a constant model, compiling SHAP's numba code."""
    explain_text(WARM_UP_TEXT, _constant, ["a", "b"], config=config or ExplainConfig())
