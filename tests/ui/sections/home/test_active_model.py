"""The Home page's active model: headline metrics named so that they match the Model page and the model card."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import APP, TIMEOUT, serve
from tests.ui.fake_model import KeywordModel
from ui.sections.home.active_model import headline_name

HEADLINE = {
    "mean_test_roc_auc_toxic": 0.832,
    "mean_test_roc_auc_toxic_all_sets": 0.820,
    "mean_test_roc_auc_hate": 0.795,
    "jigsaw_toxic_roc_auc": 0.965,
}
"""As a model evaluated on more test sets than the original ones has them (the bundled model does)."""


def test_the_two_mean_aucs_of_a_label_say_which_test_sets_they_average() -> None:
    keys = set(HEADLINE)
    assert headline_name("mean_test_roc_auc_toxic", keys) == "mean test ROC AUC toxic (original test sets only)"
    assert (
        headline_name("mean_test_roc_auc_toxic_all_sets", keys)
        == "mean test ROC AUC toxic (every test set, as on the Model page)"
    )
    assert headline_name("mean_test_roc_auc_hate", keys) == "mean test ROC AUC hate"  # one mean: no note
    assert headline_name("jigsaw_toxic_roc_auc", keys) == "jigsaw toxic ROC AUC"
    assert headline_name("odd_all_sets", keys) == "odd all sets"  # no base metric beside it


@pytest.fixture
def evaluated_on_more_sets(monkeypatch: pytest.MonkeyPatch) -> Iterator[KeywordModel]:
    model = KeywordModel()
    model.metadata_["headline"] = dict(HEADLINE)
    yield from serve(model, monkeypatch)


def test_home_names_the_mean_auc_the_model_page_shows(evaluated_on_more_sets: KeywordModel) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    headline = next(d.value for d in at.dataframe if "metric" in d.value.columns).set_index("metric")["value"]
    # before: "mean test ROC AUC toxic" 0.832 next to "... all sets" 0.820, while the Model page and the
    # model card call 0.820 the mean held-out AUC
    assert headline["mean test ROC AUC toxic (every test set, as on the Model page)"] == pytest.approx(0.820)
    assert headline["mean test ROC AUC toxic (original test sets only)"] == pytest.approx(0.832)
