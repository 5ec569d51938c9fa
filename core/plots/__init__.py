"""Plotly figures, pure ``data -> Figure`` functions named by what they show.

- :mod:`~core.plots.scores`: one label's score distribution and its confusion matrix at a threshold.
- :mod:`~core.plots.curves`: ROC / precision-recall curves with operating points, of one or several models.
- :mod:`~core.plots.training`: training loss and validation AUC of a model being fitted.
- :mod:`~core.plots.calibration`: the reliability curve of calibrated scores.
- :mod:`~core.plots.review`: a review queue's progress, decisions per reviewer, agreement (kappa, model flags).
- :mod:`~core.plots.style`: the colours, layout and escaping they share.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "confusion_figure": "core.plots.scores",
    "score_histogram": "core.plots.scores",
    "CurveSeries": "core.plots.curves",
    "pr_curves": "core.plots.curves",
    "pr_figure": "core.plots.curves",
    "roc_curves": "core.plots.curves",
    "roc_figure": "core.plots.curves",
    "training_figure": "core.plots.training",
    "reliability_figure": "core.plots.calibration",
    "agreement_figure": "core.plots.review",
    "model_agreement_figure": "core.plots.review",
    "progress_figure": "core.plots.review",
    "reviewer_figure": "core.plots.review",
}
"""Public name -> module; loaded on first use so that importing the package stays cheap."""

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
