"""AppTest: the Home page, with the keyword fake model: the active model's card and the one-click start."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.ui.pages.apptest import metric, results_table
from ui.components import safe_text


def test_home_describes_modlens_and_the_active_model(app: AppTest) -> None:
    assert not app.exception
    assert app.title[0].value == "ModLens"
    assert safe_text.visible_text(app.subheader[0].value) == "keyword-fake"
    tables = [d.value for d in app.dataframe]
    thresholds = next(t for t in tables if "threshold" in t.columns)
    assert thresholds.set_index("label")["threshold"].to_dict() == {"toxic": 0.5, "hate": 0.5}
    training = next(t for t in tables if "dataset" in t.columns)
    assert training["dataset"].tolist() == ["made-up"]
    headline = next(t for t in tables if "metric" in t.columns)
    assert headline.set_index("metric")["value"].to_dict() == {
        "mean test ROC AUC toxic": 0.9,
        "mean test ROC AUC hate": 0.8,
    }


def test_home_start_button_scores_the_sample_posts_on_the_score_page(app: AppTest) -> None:
    next(b for b in app.button if b.label == "Start with the sample posts").click()
    app.run()
    assert not app.exception
    assert app.title[0].value == "Score posts"
    assert metric(app, "Posts") == "300"
    assert len(results_table(app)) == 200  # the first page of the table
    assert any("Showing posts 1-200 of the 300 that match, of 300 posts" in c.value for c in app.caption)
