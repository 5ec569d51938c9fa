"""bias_metrics against values worked out by hand, and against scikit-learn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from core.bias.config import BiasConfig
from core.bias.final_metric import final_bias_metric, overall_auc, power_mean
from core.bias.metrics import LABELLED_METRICS, bias_metrics
from core.errors import ConfigError, InputError

# score, label, in A, in B. Row 2 and row 3 tie at 0.8; B has only negatives.
SCORES = [0.9, 0.8, 0.8, 0.3, 0.6, 0.2, 0.4, 0.7]
LABELS = [1, 0, 1, 0, 1, 0, 0, 0]
GROUPS = pd.DataFrame(
    {
        "A": [True, True, False, True, False, False, False, False],
        "B": [False, False, False, False, False, False, True, True],
    }
)
EXACT = BiasConfig(threshold=0.5, n_bootstrap=0, min_group_size=1)


def _row(table: pd.DataFrame, group: str) -> pd.Series:
    return table.set_index("group").loc[group]


def test_hand_worked_group_a() -> None:
    table = bias_metrics(LABELS, SCORES, groups=GROUPS, config=EXACT)
    a = _row(table, "A")
    assert (a["n"], a["positives"], a["negatives"]) == (3, 1, 2)
    assert a["subgroup_auc"] == pytest.approx(1.0)
    # background positives 0.8, 0.6 vs group negatives 0.8, 0.3: (0.5 + 1 + 0 + 1) / 4
    assert a["bpsn_auc"] == pytest.approx(0.625)
    assert a["bnsp_auc"] == pytest.approx(1.0)
    assert a["fpr"] == pytest.approx(0.5)
    assert a["fnr"] == pytest.approx(0.0)
    assert a["precision"] == pytest.approx(0.5)
    assert a["mean_score_neg"] == pytest.approx(0.55)
    assert a["mean_score_pos"] == pytest.approx(0.9)
    assert a["note"] == ""


def test_single_class_group_gets_nan_and_a_note() -> None:
    table = bias_metrics(LABELS, SCORES, groups=GROUPS, config=EXACT)
    b = _row(table, "B")
    assert (b["n"], b["positives"]) == (2, 0)
    assert np.isnan(b["subgroup_auc"]) and np.isnan(b["bnsp_auc"]) and np.isnan(b["fnr"])
    # background positives 0.9, 0.8, 0.6 vs group negatives 0.4, 0.7: 5 of 6 pairs
    assert b["bpsn_auc"] == pytest.approx(5 / 6)
    assert b["fpr"] == pytest.approx(0.5)
    assert b["precision"] == pytest.approx(0.0)
    assert "no positive posts" in b["note"]


def test_overall_row_with_a_tie() -> None:
    table = bias_metrics(LABELS, SCORES, groups=GROUPS, config=EXACT)
    assert table["group"].tolist() == ["A", "B", "overall"]
    total = _row(table, "overall")
    # 15 pairs: 5 + (4 + 0.5 for the tie at 0.8) + 3
    assert total["subgroup_auc"] == pytest.approx(12.5 / 15)
    assert overall_auc(table) == pytest.approx(12.5 / 15)
    assert np.isnan(total["bpsn_auc"]) and np.isnan(total["bnsp_auc"])
    assert total["fpr"] == pytest.approx(0.4)
    assert total["precision"] == pytest.approx(0.6)
    assert total["n"] == 8


def test_final_bias_metric_by_hand() -> None:
    table = bias_metrics(LABELS, SCORES, groups=GROUPS, config=EXACT)
    # subgroup [1, nan] -> 1; BPSN [0.625, 5/6] -> ((1.6**5 + 1.2**5) / 2) ** -0.2; BNSP -> 1
    bpsn = ((1.6**5 + 1.2**5) / 2) ** -0.2
    expected = 0.25 * (12.5 / 15) + 0.75 * (1 + bpsn + 1) / 3
    assert final_bias_metric(table) == pytest.approx(expected)
    assert final_bias_metric(table, overall_weight=1.0) == pytest.approx(12.5 / 15)


def test_power_mean_edges() -> None:
    assert power_mean([0.5, 0.5], -5) == pytest.approx(0.5)
    assert power_mean([1.0, 0.5], 1) == pytest.approx(0.75)
    assert power_mean([1.0, 0.5], -5) < 0.6  # dominated by the worst group
    assert power_mean([0.0, 0.9], -5) == 0.0
    assert np.isnan(power_mean([np.nan], -5))


def test_too_small_group_is_withheld() -> None:
    config = BiasConfig(n_bootstrap=0, min_group_size=3)
    table = bias_metrics(LABELS, SCORES, groups=GROUPS, config=config)
    b = _row(table, "B")
    assert b["n"] == 2
    assert all(np.isnan(b[m]) for m in LABELLED_METRICS)
    assert "only 2 posts (fewer than 3)" in b["note"]
    # the overall row is never withheld, even with fewer posts than the minimum
    tiny = bias_metrics(LABELS, SCORES, groups=GROUPS, config=BiasConfig(n_bootstrap=0, min_group_size=50))
    assert overall_auc(tiny) == pytest.approx(12.5 / 15)
    assert _row(tiny, "overall")["note"] == "all posts"


def test_missing_labels_and_scores_are_left_out() -> None:
    labels = [*LABELS, np.nan, 1]
    scores = [*SCORES, 0.5, np.nan]
    groups = pd.concat([GROUPS, pd.DataFrame({"A": [True, True], "B": [False, False]})])
    table = bias_metrics(labels, scores, groups=groups.reset_index(drop=True), config=EXACT)
    expected = bias_metrics(LABELS, SCORES, groups=GROUPS, config=EXACT)
    pd.testing.assert_frame_equal(table.drop(columns="note"), expected.drop(columns="note"))
    assert "2 rows without a label or score left out" in _row(table, "overall")["note"]


def test_group_with_no_posts() -> None:
    groups = GROUPS.assign(C=False)
    c = _row(bias_metrics(LABELS, SCORES, groups=groups, config=EXACT), "C")
    assert c["n"] == 0 and np.isnan(c["subgroup_auc"]) and np.isnan(c["bpsn_auc"])
    assert c["note"] == "no posts in this group"


def test_all_in_group_has_no_background() -> None:
    groups = pd.DataFrame({"everyone": [True] * len(SCORES)})
    row = _row(bias_metrics(LABELS, SCORES, groups=groups, config=EXACT), "everyone")
    assert row["subgroup_auc"] == pytest.approx(12.5 / 15)
    assert np.isnan(row["bpsn_auc"]) and np.isnan(row["bnsp_auc"])
    assert "no positive posts outside the group" in row["note"]


@pytest.mark.parametrize(
    ("labels", "groups", "message"),
    [
        ([0, 1, 2, 0, 1, 0, 0, 0], GROUPS, "0/1"),
        (LABELS, GROUPS.iloc[:4], "rows"),
        (LABELS, GROUPS.rename(columns={"A": "overall"}), "reserved"),
        (LABELS, GROUPS.astype(float) * 0.7, "booleans"),
    ],
)
def test_invalid_input_is_rejected(labels: list[int], groups: pd.DataFrame, message: str) -> None:
    with pytest.raises(InputError, match=message):
        bias_metrics(labels, SCORES, groups=groups, config=EXACT)


def test_zero_one_group_columns_are_accepted() -> None:
    as_ints = bias_metrics(LABELS, SCORES, groups=GROUPS.astype(int), config=EXACT)
    as_bools = bias_metrics(LABELS, SCORES, groups=GROUPS, config=EXACT)
    pd.testing.assert_frame_equal(as_ints, as_bools)


def test_matches_sklearn_on_random_data() -> None:
    rng = np.random.default_rng(7)
    n = 400
    y = rng.integers(0, 2, n)
    s = np.round(rng.random(n) * 0.6 + 0.4 * y, 1)  # many ties
    g = pd.DataFrame(rng.random((n, 3)) < [0.2, 0.4, 0.6], columns=["x", "y", "z"])
    table = bias_metrics(y, s, groups=g, config=EXACT).set_index("group")
    for name in g.columns:
        member = g[name].to_numpy()
        bpsn = (member & (y == 0)) | (~member & (y == 1))
        bnsp = (member & (y == 1)) | (~member & (y == 0))
        assert table.loc[name, "subgroup_auc"] == pytest.approx(roc_auc_score(y[member], s[member]))
        assert table.loc[name, "bpsn_auc"] == pytest.approx(roc_auc_score(y[bpsn], s[bpsn]))
        assert table.loc[name, "bnsp_auc"] == pytest.approx(roc_auc_score(y[bnsp], s[bnsp]))
    assert table.loc["overall", "subgroup_auc"] == pytest.approx(roc_auc_score(y, s))


def test_confidence_intervals_bracket_the_estimate_and_are_reproducible() -> None:
    rng = np.random.default_rng(3)
    n = 300
    y = rng.integers(0, 2, n)
    s = rng.random(n) * 0.7 + 0.3 * y
    g = pd.DataFrame({"g": rng.random(n) < 0.5})
    config = BiasConfig(n_bootstrap=200, min_group_size=1, seed=1)
    first = bias_metrics(y, s, groups=g, config=config)
    again = bias_metrics(y, s, groups=g, config=config)
    pd.testing.assert_frame_equal(first, again)
    other_seed = bias_metrics(y, s, groups=g, config=BiasConfig(n_bootstrap=200, min_group_size=1))
    assert not np.allclose(first["subgroup_auc_low"], other_seed["subgroup_auc_low"])
    for metric in LABELLED_METRICS:
        low, value, high = first[f"{metric}_low"], first[metric], first[f"{metric}_high"]
        ok = value.isna() | ((low <= value) & (value <= high) & (low < high))
        assert ok.all(), metric


def test_no_bootstrap_gives_nan_intervals() -> None:
    table = bias_metrics(LABELS, SCORES, groups=GROUPS, config=EXACT)
    assert table["subgroup_auc_low"].isna().all() and table["fpr_high"].isna().all()


def test_config_validation() -> None:
    with pytest.raises(ConfigError, match="confidence"):
        BiasConfig(confidence=1.5)
    with pytest.raises(ConfigError, match="n_bootstrap"):
        BiasConfig(n_bootstrap=-1)


@pytest.mark.parametrize("threshold", [float("nan"), -0.1, 1.5, "0.5"])
def test_a_threshold_outside_zero_to_one_is_refused(threshold: object) -> None:
    with pytest.raises(ConfigError, match="threshold must be a number from 0 to 1"):
        BiasConfig(threshold=threshold)  # type: ignore[arg-type]
