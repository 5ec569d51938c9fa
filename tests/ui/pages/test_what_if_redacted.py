"""AppTest: the what-if editor of a post shown with personal data hidden measures the edit alone.

The editor starts from the redacted text; the change it reports compares the edit with
that text, not with the post as written (whose personal data moves the scores too).
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.pages.apptest import upload
from tests.ui.pages.test_explain_page import metrics, table_with
from ui.sections.explain import what_if

AS_WRITTEN = "as written"
"""Column with the scores of the post as written."""
POSTS = pd.DataFrame({"text": ["hello @idiot_hater", "nice day"]})
"""The handle holds two keywords: as written the post scores high, redacted it does not."""


def test_the_change_is_the_effect_of_the_edit_on_the_redacted_text(score_page: AppTest) -> None:
    at = upload(score_page, "handles.csv", POSTS.to_csv(index=False).encode())
    at.switch_page("pages/explain.py")
    at.query_params["post"] = "1"
    at.run()
    assert not at.exception
    editor = at.text_area(key=what_if.EDIT)
    assert editor.value == "hello <HANDLE>"
    editor.set_value("hello <HANDLE> stupid").run()
    assert not at.exception
    changes = table_with(at, "edited").set_index("label")
    assert changes.loc["toxic", "original"] == pytest.approx(0.1)  # the redacted text the editor started from
    assert changes.loc["toxic", "edited"] == pytest.approx(0.55)
    assert changes.loc["toxic", "change"] == pytest.approx(0.45)  # "stupid" alone, not -0.40
    assert changes.loc["hate", "change"] == pytest.approx(0.0)  # the edit does not touch hate
    assert changes.loc["toxic", AS_WRITTEN] == pytest.approx(0.95)  # shown for reference
    assert metrics(at)["toxic score of the edit"] == "0.550"
    deltas = [m.proto.delta for m in at.metric if m.label.endswith("score of the edit")]
    assert deltas == ["+0.450 (flagged)", "+0.000 (not flagged)"]
    assert any("as written: the post with its personal data" in c.value for c in at.caption)


def test_a_post_without_hidden_data_has_no_as_written_column(score_page: AppTest) -> None:
    at = upload(score_page, "handles.csv", POSTS.to_csv(index=False).encode())
    at.switch_page("pages/explain.py")
    at.query_params["post"] = "2"
    at.run()
    at.text_area(key=what_if.EDIT).set_value("nice day, idiot").run()
    assert not at.exception
    changes = table_with(at, "edited").set_index("label")
    assert AS_WRITTEN not in changes.columns
    assert changes.loc["toxic", "change"] == pytest.approx(0.45)


def test_the_unedited_redacted_post_says_what_the_change_will_measure(score_page: AppTest) -> None:
    at = upload(score_page, "handles.csv", POSTS.to_csv(index=False).encode())
    at.switch_page("pages/explain.py")
    at.query_params["post"] = "1"
    at.run()
    assert any("the change shown is the effect of your edit" in c.value for c in at.caption)
