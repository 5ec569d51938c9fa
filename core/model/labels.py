"""The labels a ModLens model learns by default, named once for the whole project.

TensorFlow-free, so the dashboard, the training pipeline and the dataset loaders can
all import it cheaply.
"""

from __future__ import annotations

__all__ = ["DEFAULT_LABELS"]

DEFAULT_LABELS: tuple[str, ...] = ("toxic", "hate")
"""Outputs of a new model, in score column order: ``score_toxic``, ``score_hate``."""
