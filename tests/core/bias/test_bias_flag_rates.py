"""flag_rate_metrics (no labels) against values worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.bias.config import BiasConfig
from core.bias.flag_rates import flag_rate_metrics

SCORES = [0.9, 0.6, 0.2, 0.7, 0.1, 0.3, np.nan]
GROUPS = pd.DataFrame(
    {
        "a": [True, True, True, False, False, False, True],
        "tiny": [False, False, False, False, False, True, False],
    }
)


def test_flag_rates_by_hand() -> None:
    config = BiasConfig(threshold=0.5, n_bootstrap=0, min_group_size=1)
    table = flag_rate_metrics(SCORES, groups=GROUPS, config=config).set_index("group")
    a = table.loc["a"]
    assert (a["n"], a["flagged"]) == (3, 2)  # the NaN score is left out
    assert a["mean_score"] == pytest.approx((0.9 + 0.6 + 0.2) / 3)
    assert a["flag_rate"] == pytest.approx(2 / 3)
    assert a["background_flag_rate"] == pytest.approx(1 / 3)  # 0.7 of 0.7, 0.1, 0.3
    assert a["flag_rate_ratio"] == pytest.approx(2.0)
    total = table.loc["overall"]
    assert total["n"] == 6 and total["flag_rate"] == pytest.approx(0.5)
    assert np.isnan(total["flag_rate_ratio"])
    assert "1 rows without a score left out" in total["note"]


def test_small_group_withheld_and_intervals_present() -> None:
    rng = np.random.default_rng(0)
    scores = rng.random(200)
    groups = pd.DataFrame({"big": rng.random(200) < 0.5, "small": np.arange(200) < 3})
    config = BiasConfig(n_bootstrap=100, min_group_size=10)
    table = flag_rate_metrics(scores, groups=groups, config=config).set_index("group")
    assert np.isnan(table.loc["small", "flag_rate"]) and table.loc["small", "n"] == 3
    assert "fewer than 10" in table.loc["small", "note"]
    big = table.loc["big"]
    assert big["flag_rate_low"] < big["flag_rate"] < big["flag_rate_high"]
    assert big["flag_rate_ratio_low"] < big["flag_rate_ratio"] < big["flag_rate_ratio_high"]


def test_no_flag_outside_group_is_explained() -> None:
    config = BiasConfig(n_bootstrap=0, min_group_size=1)
    groups = pd.DataFrame({"g": [True, False, False]})
    row = flag_rate_metrics([0.9, 0.1, 0.2], groups=groups, config=config).iloc[0]
    assert np.isnan(row["flag_rate_ratio"]) and row["flag_rate"] == 1.0
    assert "ratio undefined" in row["note"]
