"""Plotly figures, pure ``data -> Figure`` functions named by what they show.

- :mod:`~core.plots.scores`: score histograms, ROC / precision-recall curves and the confusion matrix of one label.
- :mod:`~core.plots.curves`: training curves, and ROC / precision-recall curves of several model versions.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "confusion_figure": "core.plots.scores",
    "pr_figure": "core.plots.scores",
    "roc_figure": "core.plots.scores",
    "score_histogram": "core.plots.scores",
    "CurveSeries": "core.plots.curves",
    "pr_curves": "core.plots.curves",
    "roc_curves": "core.plots.curves",
    "training_figure": "core.plots.curves",
}
"""Public name -> module; loaded on first use so that importing the package stays cheap."""

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
