"""Tests for the best-F1 flag thresholds chosen when a classifier is fitted."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.model.thresholds import best_f1_thresholds


def test_threshold_is_the_cut_with_the_best_f1() -> None:
    y = np.array([[0.0], [0.0], [1.0], [1.0], [0.0], [1.0]])
    scores = np.array([[0.1], [0.35], [0.4], [0.9], [0.2], [0.8]])
    thresholds, metrics = best_f1_thresholds(["toxic"], y, scores)
    # flagging at 0.4 catches all three toxic posts and no other: F1 = 1
    assert thresholds == {"toxic": 0.4}
    assert metrics["toxic"] == {"n": 6, "roc_auc": 1.0, "f1": 1.0}


def test_unknown_rows_are_left_out_per_label() -> None:
    y = np.array([[0.0, np.nan], [1.0, 0.0], [0.0, 1.0], [1.0, np.nan]])
    scores = np.array([[0.2, 0.99], [0.7, 0.1], [0.3, 0.6], [0.6, 0.0]])
    thresholds, metrics = best_f1_thresholds(["toxic", "hate"], y, scores)
    assert thresholds["toxic"] == 0.6
    assert thresholds["hate"] == 0.6
    assert metrics["hate"]["n"] == 2


def test_one_class_label_gets_half_and_nan_metrics() -> None:
    y = np.array([[1.0, 0.0], [0.0, 0.0], [1.0, np.nan]])
    scores = np.array([[0.9, 0.3], [0.1, 0.2], [0.8, 0.9]])
    thresholds, metrics = best_f1_thresholds(["toxic", "hate"], y, scores)
    assert thresholds["hate"] == 0.5
    assert metrics["hate"]["n"] == 2
    assert math.isnan(metrics["hate"]["roc_auc"]) and math.isnan(metrics["hate"]["f1"])
    assert metrics["toxic"]["roc_auc"] == pytest.approx(1.0)
