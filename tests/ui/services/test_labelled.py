"""Labelled posts without widgets: reading each label from a column, the cache key, whether they can be trained on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import ModLensError
from ui.services import labelled
from ui.services.labelled import LabelledPosts, LabelRule

FRAME = pd.DataFrame(
    {
        "body": ["a", "b", "c", "d", None],
        "flag": ["1", "0", "true", "", "no"],
        "kind": ["abuse", "fine", " spam ", "", "abuse"],
    }
)


def test_label_values_read_labels_categories_or_nothing() -> None:
    np.testing.assert_array_equal(labelled.label_values(FRAME, LabelRule("flag")), [1, 0, 1, np.nan, 0])
    by_values = labelled.label_values(FRAME, LabelRule("kind", ("abuse", "spam")))
    np.testing.assert_array_equal(by_values, [1, 0, 1, np.nan, 1])  # stripped; empty is unknown
    assert np.isnan(labelled.label_values(FRAME, LabelRule(None))).all()
    with pytest.raises(ModLensError, match="Column 'nope' is not in the file"):
        labelled.label_values(FRAME, LabelRule("nope"))
    with pytest.raises(ModLensError, match="not labels"):
        labelled.label_values(FRAME, LabelRule("kind"))


def test_parses_as_labels_and_categories() -> None:
    assert labelled.parses_as_labels(FRAME["flag"])
    assert not labelled.parses_as_labels(FRAME["kind"])
    assert labelled.categories(FRAME["kind"]) == ["abuse", "fine", "spam"]  # most frequent first
    many = pd.Series([f"value {i}" for i in range(60)], name="id")
    with pytest.raises(ModLensError, match="Column 'id' has 60 different values"):
        labelled.categories(many)


def test_labelled_posts_and_their_cache_key() -> None:
    rules = {"toxic": LabelRule("kind", ("abuse",)), "hate": LabelRule(None)}
    data = labelled.labelled_posts(FRAME, name="f.csv", text_col="body", rules=rules, content_hash="abc")
    assert data.texts == ("a", "b", "c", "d", "")
    counts = data.counts().set_index("label")
    assert counts.loc["toxic"].tolist() == [4, 2, 2]
    assert counts.loc["hate"].tolist() == [0, 0, 0]
    assert data.usable_labels() == ["toxic"]
    assert data.training_table().columns.tolist() == ["text", "toxic", "hate"]
    same = labelled.labelled_posts(FRAME, name="f.csv", text_col="body", rules=rules, content_hash="abc")
    assert same.key == data.key
    for other in (
        {"toxic": LabelRule("kind", ()), "hate": LabelRule(None)},  # no value chosen is not "read as labels"
        {"toxic": LabelRule("kind", ("abuse", "spam")), "hate": LabelRule(None)},
    ):
        assert labelled.labelled_posts(FRAME, name="f", text_col="body", rules=other, content_hash="abc").key != (
            data.key
        )
    changed = labelled.labelled_posts(FRAME, name="f.csv", text_col="body", rules=rules, content_hash="abd")
    assert changed.key != data.key
    with pytest.raises(ModLensError, match="Text column 'text' is not in the file"):
        labelled.labelled_posts(FRAME, name="f", text_col="text", rules=rules, content_hash="abc")


def _posts(**labels: list[float]) -> LabelledPosts:
    n = len(next(iter(labels.values())))
    return LabelledPosts(
        "f", tuple(f"post {i}" for i in range(n)), {k: np.array(v, float) for k, v in labels.items()}, "k"
    )


def test_check_trainable() -> None:
    labelled.check_trainable(_posts(toxic=[1, 0, np.nan], hate=[np.nan] * 3))
    with pytest.raises(ModLensError, match="'toxic' labels have no negative post"):
        labelled.check_trainable(_posts(toxic=[1, 1, np.nan], hate=[np.nan] * 3))
    with pytest.raises(ModLensError, match="'hate' labels have no positive post"):
        labelled.check_trainable(_posts(toxic=[1, 0, 0], hate=[0, 0, np.nan]))
    with pytest.raises(ModLensError, match="No label column is chosen"):
        labelled.check_trainable(_posts(toxic=[np.nan] * 3, hate=[np.nan] * 3))
