from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from core.errors import ModLensError
from core.store.rules import (
    AllPosts,
    Flagged,
    IdentityGroup,
    PickedRows,
    QualitySample,
    ScoreRange,
    check_rule,
    rule_from_json,
    rule_to_json,
)

THRESHOLDS = {"toxic": 0.5, "hate": 0.7}
VIEW = pd.DataFrame(
    {
        "text": ["muslims are fine", "hello", "I hate jews", "nice", "women rock"],
        "score_toxic": [0.1, 0.6, 0.9, 0.2, 0.3],
        "score_hate": [0.8, 0.1, 0.95, 0.0, 0.1],
    }
)


def test_flagged_any_label_or_one_label() -> None:
    mask, priority = Flagged().select(VIEW, THRESHOLDS)
    assert mask.tolist() == [True, True, True, False, False]
    assert priority.tolist() == [0.8, 0.6, 0.95, 0.2, 0.3]
    mask, priority = Flagged("toxic").select(VIEW, THRESHOLDS)
    assert mask.tolist() == [False, True, True, False, False] and priority.tolist() == VIEW["score_toxic"].tolist()
    assert Flagged().describe(THRESHOLDS) == "flagged: score_toxic >= 0.500 or score_hate >= 0.700"


def test_score_range_is_inclusive() -> None:
    mask, _ = ScoreRange("toxic", 0.2, 0.6).select(VIEW, THRESHOLDS)
    assert mask.tolist() == [False, True, False, True, True]
    with pytest.raises(ModLensError, match="low <= high"):
        ScoreRange("toxic", 0.7, 0.2).select(VIEW, THRESHOLDS)


def test_identity_group_uses_the_lexicon() -> None:
    mask, _ = IdentityGroup("muslim").select(VIEW, THRESHOLDS)
    assert mask.tolist() == [True, False, False, False, False]
    with pytest.raises(ModLensError, match="Unknown identity group 'martians'"):
        IdentityGroup("martians").select(VIEW, THRESHOLDS)


def test_quality_sample_takes_unflagged_posts_reproducibly() -> None:
    mask, _ = QualitySample(size=1, seed=3).select(VIEW, THRESHOLDS)
    again, _ = QualitySample(size=1, seed=3).select(VIEW, THRESHOLDS)
    assert mask.sum() == 1 and np.array_equal(mask, again)
    assert not (mask & Flagged().select(VIEW, THRESHOLDS)[0]).any()
    assert QualitySample(size=10).select(VIEW, THRESHOLDS)[0].sum() == 2  # only two unflagged posts
    assert AllPosts().select(VIEW, THRESHOLDS)[0].all()


@pytest.mark.parametrize(
    "rule", [Flagged(), Flagged("hate"), ScoreRange("toxic", 0.1, 0.2), QualitySample(5, 2), AllPosts()]
)
def test_rules_round_trip_through_json(rule) -> None:
    assert rule_from_json(rule_to_json(rule)) == rule


def test_check_rule_names_the_labels() -> None:
    message = "Label 'spam' is not a label of this batch. Labels are: toxic, hate."
    with pytest.raises(ModLensError, match=re.escape(message)):
        check_rule(ScoreRange("spam"), ["toxic", "hate"])


def test_picked_rows_select_those_rows_and_round_trip() -> None:
    rule = PickedRows((3, 1, 3), "shown by the filters")
    assert rule.rows == (1, 3)
    mask, priority = rule.select(VIEW, THRESHOLDS)
    assert mask.tolist() == [False, True, False, True, False]
    assert priority.tolist() == [0.8, 0.6, 0.95, 0.2, 0.3]
    assert rule.describe(THRESHOLDS) == "2 posts shown by the filters"
    assert rule_from_json(rule_to_json(rule)) == rule
    with pytest.raises(ModLensError, match="Row 9 is not in the batch"):
        PickedRows((9,)).select(VIEW, THRESHOLDS)
    with pytest.raises(ModLensError, match="Pick at least one post"):
        PickedRows(())
