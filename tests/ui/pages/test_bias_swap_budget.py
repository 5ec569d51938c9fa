"""AppTest: the Bias page says when the identity swaps stopped at their character budget."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import serve
from tests.ui.fake_model import KeywordModel
from ui.services import bias


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[KeywordModel]:
    yield from serve(KeywordModel(), monkeypatch)


def test_swaps_past_the_character_budget_are_announced(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bias, "SWAP_MAX_CHARS", 5_000)  # the sample posts' swaps need far more
    app.switch_page("pages/bias.py").run()
    assert not app.exception
    notes = [i.value for i in app.info if "were rescored" in i.value]
    assert len(notes) == 1 and "limit of 5,000 characters" in notes[0]
    gap = next(d.value for d in app.dataframe if "mean_abs_change" in d.value.columns)
    assert gap.loc[gap["group"] == "overall", "n_posts"].iloc[0] < 10  # of the 113 sample posts naming a group


def test_no_announcement_within_the_budget(app: AppTest) -> None:
    app.switch_page("pages/bias.py").run()
    assert not app.exception
    assert not [i.value for i in app.info if "were rescored" in i.value]
