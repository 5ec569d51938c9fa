"""Evaluating scores against labels: metrics at a threshold, operating points and calibration."""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "evaluate_scores": "core.evaluation.metrics",
    "expected_calibration_error": "core.evaluation.calibration",
    "reliability_from_metadata": "core.evaluation.calibration",
    "reliability_table": "core.evaluation.calibration",
    "OperatingPoint": "core.evaluation.thresholds",
    "operating_point_at": "core.evaluation.thresholds",
    "threshold_for_cost": "core.evaluation.thresholds",
    "threshold_for_precision": "core.evaluation.thresholds",
    "threshold_for_recall": "core.evaluation.thresholds",
}
"""Public name -> module; loaded on first use so that importing the package stays cheap."""

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
