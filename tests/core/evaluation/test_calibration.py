"""Temperature scaling, reliability tables and the reliability figure."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.evaluation.calibration import (
    apply_temperature,
    expected_calibration_error,
    fit_temperature,
    log_loss,
    reliability_table,
)
from core.plots.calibration import reliability_figure


def _overconfident(n: int = 4000, temperature: float = 2.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Labels drawn from true probabilities, and scores whose logits are ``temperature`` times too large."""
    rng = np.random.default_rng(seed)
    logit = rng.normal(0, 2, n)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    return y, 1 / (1 + np.exp(-logit * temperature))


def test_fit_temperature_recovers_a_known_overconfidence() -> None:
    y, scores = _overconfident(temperature=2.0)
    fitted = fit_temperature(y, scores)
    assert 1.7 < fitted < 2.3
    assert log_loss(y, apply_temperature(scores, fitted)) < log_loss(y, scores)


def test_fit_temperature_ignores_unknown_labels_and_needs_both_classes() -> None:
    y, scores = _overconfident(temperature=0.5)
    y_masked = y.copy()
    y_masked[::3] = np.nan
    assert 0.4 < fit_temperature(y_masked, scores) < 0.6
    assert fit_temperature(np.ones(10), np.full(10, 0.7)) == 1.0
    assert fit_temperature(np.full(5, np.nan), np.full(5, 0.7)) == 1.0


def test_apply_temperature_keeps_order_and_exact_zeros() -> None:
    scores = np.array([0.0, 0.1, 0.5, 0.9])
    tempered = apply_temperature(scores, 3.0)
    assert tempered[0] == 0.0 and tempered[2] == pytest.approx(0.5)
    assert np.all(np.diff(tempered[1:]) > 0)
    assert 0.1 < tempered[1] < 0.5 < tempered[3] < 0.9  # a high temperature pulls scores towards 0.5


def test_reliability_table_is_tidy_with_nan_for_empty_bins() -> None:
    y = np.array([0, 0, 1, 1, np.nan])
    scores = np.array([0.05, 0.15, 0.85, 0.95, 0.5])
    table = reliability_table(y, scores, n_bins=5)
    assert list(table.columns) == ["bin", "lower", "upper", "n", "mean_score", "observed_rate", "gap"]
    assert table["n"].tolist() == [2, 0, 0, 0, 2]  # the NaN label is left out
    assert math.isnan(table.loc[1, "observed_rate"])
    assert table.loc[0, "observed_rate"] == 0 and table.loc[4, "observed_rate"] == 1
    assert expected_calibration_error(table) == pytest.approx((2 * 0.1 + 2 * 0.1) / 4)


def test_a_score_on_a_bin_edge_starts_that_bin() -> None:
    scores = np.array([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    table = reliability_table(np.ones_like(scores), scores, n_bins=10)
    assert table["n"].tolist() == [1, 1, 1, 1, 1, 1, 1, 1, 1, 2]  # 1.0 closes the last bin
    assert table["mean_score"].iloc[:9].tolist() == pytest.approx(scores[:9].tolist())


def test_reliability_table_of_nothing_and_bad_shapes() -> None:
    table = reliability_table(np.array([]), np.array([]))
    assert len(table) == 10 and table["n"].sum() == 0
    assert math.isnan(expected_calibration_error(table))
    with pytest.raises(ValueError, match="shape"):
        reliability_table(np.zeros(3), np.zeros(4))


def test_calibrated_scores_have_a_lower_calibration_error() -> None:
    y, scores = _overconfident(temperature=2.5, seed=3)
    before = expected_calibration_error(reliability_table(y, scores))
    after = expected_calibration_error(reliability_table(y, apply_temperature(scores, fit_temperature(y, scores))))
    assert after < before / 2


def test_reliability_figure_draws_bins_and_the_diagonal() -> None:
    y, scores = _overconfident(n=500)
    fig = reliability_figure(reliability_table(y, scores), label="hate")
    assert [trace.name for trace in fig.data] == ["perfectly calibrated", "hate"]
    assert len(fig.data[1].x) == int((reliability_table(y, scores)["n"] > 0).sum())
    assert "hate" in fig.layout.title.text


def test_reliability_figure_of_an_empty_table_has_a_note() -> None:
    empty = reliability_table(np.array([]), np.array([]))
    fig = reliability_figure(empty)
    assert len(fig.data) == 1 and "No labelled posts" in fig.layout.annotations[0].text
    assert len(reliability_figure(pd.DataFrame(columns=empty.columns)).data) == 1


def test_stored_reliability_table_reads_back_and_is_empty_for_old_models() -> None:
    from core.evaluation.calibration import reliability_from_metadata

    table = reliability_table(np.array([0, 1, 1]), np.array([0.1, 0.8, 0.9]), n_bins=2)
    metadata = {"checks": {"calibration": {"toxic": {"table": table.to_dict("records"), "ece": 0.1}}}}
    pd.testing.assert_frame_equal(reliability_from_metadata(metadata, "toxic"), table)
    old = reliability_from_metadata({"checks": {}}, "toxic")
    assert old.empty and list(old.columns) == list(table.columns)
    assert len(reliability_figure(old).data) == 1
