"""The rank-based AUC and the vectorised bootstrap, checked against scikit-learn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from core.bias.bootstrap import bootstrap, percentile_interval, resample_weights
from core.bias.config import BiasConfig
from core.bias.metrics import bias_metrics
from core.bias.ranking import auc, tie_blocks


def test_tie_blocks_bounds() -> None:
    start, end = tie_blocks([0.1, 0.2, 0.2, 0.2, 0.5, 0.5])
    assert start.tolist() == [0, 1, 1, 1, 4, 4]
    assert end.tolist() == [1, 4, 4, 4, 6, 6]


def test_auc_by_hand_with_ties() -> None:
    # positives 0.8, 0.4; negatives 0.4, 0.1: pairs 1 + 1 + 0.5 + 1 = 3.5 of 4
    assert auc([1, 0, 1, 0], [0.8, 0.4, 0.4, 0.1]) == pytest.approx(0.875)
    assert auc([1, 0], [0.3, 0.3]) == pytest.approx(0.5)
    assert np.isnan(auc([1, 1], [0.2, 0.3]))


def test_auc_matches_sklearn_with_weights_matrix() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    s = np.round(rng.random(500), 2)
    w = rng.integers(0, 4, (5, 500)).astype(float)
    got = auc(y, s, w)
    assert got.shape == (5,)
    for row, value in zip(w, got, strict=True):
        assert value == pytest.approx(roc_auc_score(y, s, sample_weight=row))
    assert auc(y, s) == pytest.approx(roc_auc_score(y, s))


def test_resample_weights_are_bootstrap_counts() -> None:
    w = resample_weights(50, 400, np.random.default_rng(0))
    assert w.shape == (400, 50)
    assert (w.sum(axis=1) == 50).all()
    assert (w >= 0).all() and np.array_equal(w, np.round(w))
    # each row is drawn about once per resample
    assert w.mean() == pytest.approx(1.0) and w.var() == pytest.approx(1 - 1 / 50, rel=0.1)


def test_bootstrap_chunks_cover_every_resample() -> None:
    out = bootstrap(lambda w: {"total": w.sum(axis=1)}, 1_000_000, 7, seed=0)
    assert out["total"].shape == (7,) and (out["total"] == 1_000_000).all()
    assert bootstrap(lambda w: {"x": w}, 10, 0, seed=0) == {}


def test_percentile_interval_ignores_undefined_resamples() -> None:
    samples = np.array([[0.0, np.nan], [1.0, np.nan], [2.0, 1.0], [3.0, np.nan], [4.0, np.nan]])
    low, high = percentile_interval(samples, 0.5)
    assert low[0] == pytest.approx(1.0) and high[0] == pytest.approx(3.0)
    assert np.isnan(low[1]) and np.isnan(high[1])  # 4 of 5 resamples undefined


def test_bootstrap_intervals_match_a_loop_over_sklearn() -> None:
    # Rows already in canonical order (distinct increasing scores), so the
    # weight matrix the engine sees is the one `bootstrap` returns.
    rng = np.random.default_rng(5)
    n, resamples = 80, 60
    s = np.sort(rng.random(n))
    y = (rng.random(n) < 0.3 + 0.4 * s).astype(int)
    member = rng.random(n) < 0.5
    config = BiasConfig(n_bootstrap=resamples, min_group_size=1, seed=11, confidence=0.9)
    table = bias_metrics(y, s, groups=pd.DataFrame({"g": member}), config=config)
    weights = bootstrap(lambda w: {"w": w}, n, resamples, config.seed)["w"]
    bpsn = (member & (y == 0)) | (~member & (y == 1))
    reference = {"subgroup_auc": [], "bpsn_auc": []}
    for w in weights:
        for name, rows in (("subgroup_auc", member), ("bpsn_auc", bpsn)):
            yy, ww = y[rows], w[rows]
            ok = ww[yy == 1].sum() > 0 and ww[yy == 0].sum() > 0
            value = roc_auc_score(yy, s[rows], sample_weight=ww) if ok else np.nan
            reference[name].append(value)
    row = table.iloc[0]
    for name, values in reference.items():
        low, high = np.nanquantile(values, [0.05, 0.95])
        assert row[f"{name}_low"] == pytest.approx(low)
        assert row[f"{name}_high"] == pytest.approx(high)
