"""Inputs of the bias metrics as users give them: labels as words, scores as text, settings of the wrong type."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.bias.config import MAX_BOOTSTRAP, BiasConfig
from core.bias.flag_rates import flag_rate_metrics
from core.bias.metrics import bias_metrics
from core.errors import ConfigError, InputError

SCORES = [0.9, 0.2, 0.7, 0.4, 0.6, 0.1]
GROUPS = pd.DataFrame({"a": [True, True, True, False, False, False]})
EXACT = BiasConfig(n_bootstrap=0, min_group_size=1)


def _overall(table: pd.DataFrame) -> pd.Series:
    return table.set_index("group").loc["overall"]


@pytest.mark.parametrize(
    "labels",
    [
        ["true", "false", "TRUE", " no ", "yes", ""],
        pd.Series(["t", "f", "y", "n", "True", None], dtype=object),
        np.array(["1", "0", "1", "0", "1", "nan"], dtype=object),
        [True, False, True, False, True, None],
    ],
)
def test_labels_given_as_words_equal_labels_given_as_numbers(labels: object) -> None:
    numbers = bias_metrics([1, 0, 1, 0, 1, np.nan], SCORES, groups=GROUPS, config=EXACT)
    words = bias_metrics(labels, SCORES, groups=GROUPS, config=EXACT)
    pd.testing.assert_frame_equal(words, numbers)
    assert _overall(words)["positives"] == 3 and "1 rows without a label or score" in _overall(words)["note"]


@pytest.mark.parametrize("labels", [["maybe", "no", "yes", "no", "yes", "no"], ["0.7", "no", "1", "0", "1", "0"]])
def test_labels_that_are_not_zero_one_or_words_are_an_input_error(labels: list[str]) -> None:
    with pytest.raises(InputError, match="Labels must be 0/1"):
        bias_metrics(labels, SCORES, groups=GROUPS, config=EXACT)


def test_scores_given_as_text_are_read_and_non_numbers_are_an_input_error() -> None:
    as_text = pd.Series(["0.9", "0.2", "0.7", "0.4", "0.6", None], dtype=object)
    table = flag_rate_metrics(as_text, groups=GROUPS, config=EXACT)
    assert _overall(table)["n"] == 5 and _overall(table)["flagged"] == 3
    with pytest.raises(InputError, match="Scores must be numbers"):
        flag_rate_metrics(["0.9", "high", 0.7, 0.4, 0.6, 0.1], groups=GROUPS, config=EXACT)
    with pytest.raises(InputError, match="Scores must be numbers"):
        bias_metrics([1, 0, 1, 0, 1, 0], ["0.9", "high", 0.7, 0.4, 0.6, 0.1], groups=GROUPS, config=EXACT)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"n_bootstrap": 2.5}, "n_bootstrap"),
        ({"n_bootstrap": "100"}, "n_bootstrap"),
        ({"n_bootstrap": MAX_BOOTSTRAP + 1}, "n_bootstrap"),
        ({"n_bootstrap": 10**9}, "n_bootstrap"),
        ({"min_group_size": 2.5}, "min_group_size"),
        ({"min_group_size": "5"}, "min_group_size"),
        ({"seed": 1.5}, "seed"),
        ({"threshold": True}, "threshold"),
        ({"confidence": "0.9"}, "confidence"),
        ({"power": float("nan")}, "power"),
        ({"power": float("-inf")}, "power"),
        ({"overall_weight": "0.25"}, "overall_weight"),
    ],
)
def test_settings_of_the_wrong_type_or_too_large_are_a_config_error(settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        BiasConfig(**settings)


def test_numpy_numbers_are_accepted_as_settings() -> None:
    config = BiasConfig(
        threshold=np.float32(0.5), n_bootstrap=np.int64(MAX_BOOTSTRAP), min_group_size=np.int32(2), seed=np.int64(3)
    )
    assert config.n_bootstrap == MAX_BOOTSTRAP
