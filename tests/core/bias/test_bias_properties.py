"""Invariants of the bias metrics on random small data (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from core.bias.config import BiasConfig
from core.bias.flag_rates import flag_rate_metrics
from core.bias.metrics import LABELLED_METRICS, bias_metrics
from core.bias.ranking import auc

CONFIG = BiasConfig(n_bootstrap=15, min_group_size=1, seed=2)
FAST = settings(max_examples=40, deadline=None)


@st.composite
def datasets(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, pd.DataFrame, np.ndarray]:
    """Labels, scores (few distinct values, so ties), two groups and a row permutation."""
    n = draw(st.integers(min_value=2, max_value=30))
    labels = draw(st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n))
    scores = draw(st.lists(st.sampled_from([0.0, 0.2, 0.5, 0.7, 1.0]), min_size=n, max_size=n))
    a = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    b = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    order = draw(st.permutations(range(n)))
    groups = pd.DataFrame({"a": a, "b": b})
    return np.array(labels), np.array(scores), groups, np.array(order)


@FAST
@given(datasets())
def test_row_order_does_not_matter(data: tuple) -> None:
    y, s, g, order = data
    table = bias_metrics(y, s, groups=g, config=CONFIG)
    shuffled = bias_metrics(y[order], s[order], groups=g.iloc[order], config=CONFIG)
    pd.testing.assert_frame_equal(table, shuffled)
    flags = flag_rate_metrics(s, groups=g, config=CONFIG)
    pd.testing.assert_frame_equal(flags, flag_rate_metrics(s[order], groups=g.iloc[order], config=CONFIG))


@FAST
@given(datasets())
def test_rates_and_aucs_stay_in_unit_interval(data: tuple) -> None:
    y, s, g, _ = data
    table = bias_metrics(y, s, groups=g, config=CONFIG)
    values = table[[c for c in table if c.startswith(LABELLED_METRICS)]].to_numpy(dtype=float)
    finite = values[~np.isnan(values)]
    assert ((finite >= 0) & (finite <= 1)).all()
    assert (table["n"] == table["positives"] + table["negatives"]).all()
    flags = flag_rate_metrics(s, groups=g, config=CONFIG)
    rates = flags[["flag_rate", "flag_rate_low", "flag_rate_high"]].to_numpy(dtype=float)
    assert ((rates[~np.isnan(rates)] >= 0) & (rates[~np.isnan(rates)] <= 1)).all()


@FAST
@given(datasets())
def test_identical_groups_give_identical_metrics(data: tuple) -> None:
    y, s, g, _ = data
    table = bias_metrics(y, s, groups=g.assign(copy=g["a"]), config=CONFIG).set_index("group")
    original, copy = table.loc["a"], table.loc["copy"]
    pd.testing.assert_series_equal(original, copy, check_names=False, rtol=1e-12)


@FAST
@given(datasets())
def test_reversing_scores_mirrors_the_auc(data: tuple) -> None:
    y, s, _, _ = data
    forward, backward = auc(y, s), auc(y, -s)
    assert np.isnan(forward) == (y.min() == y.max())
    if not np.isnan(forward):
        assert np.isclose(forward + backward, 1.0)
