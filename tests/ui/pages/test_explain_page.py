"""AppTest: the Explain page with the keyword fake model (SHAP runs on it; no TensorFlow).

The fake model scores 0.1 plus 0.45 per keyword (toxic: idiot, stupid, hate, ...;
hate: hate, vermin, go back), so the words that must carry the attributions are known.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.fake_model import KeywordModel
from ui.components import safe_text, thresholds
from ui.sections.explain import attributions, global_run, global_words, occlusion, post_picker, what_if
from ui.sections.score import input as score_input
from ui.services import explanations, global_explanations, session

PASTED = "you idiot\nhello there\nI hate you, stupid\n"
"""Rows 0 and 2 are flagged for toxic, row 2 for hate."""
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"


def scored(score_page: AppTest, text: str = PASTED) -> AppTest:
    """Score pasted posts on the Score page, then switch to the Explain page (not run yet)."""
    score_page.text_area(key=score_input.PASTE).set_value(text)
    next(b for b in score_page.button if b.label == "Score pasted posts").click()
    score_page.run()
    assert not score_page.exception
    return score_page.switch_page("pages/explain.py")


def explain_page(app: AppTest) -> AppTest:
    """The Explain page with no scored upload."""
    app.switch_page("pages/explain.py").run()
    assert not app.exception
    return app


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def html_bodies(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html")]


def chart(at: AppTest, key: str) -> dict:
    """The Plotly figure spec of the chart with element key ``key``."""
    charts = {c.proto.id and c.key: c for c in at.get("plotly_chart")}
    assert key in charts, f"no chart {key}; charts: {list(charts)}"
    return json.loads(charts[key].proto.spec)


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if column in d.value.columns]
    assert tables, f"no table with a {column!r} column"
    return tables[-1]


def type_post(at: AppTest, text: str) -> AppTest:
    at.text_area(key=post_picker.TYPED_TEXT).set_value(text).run()
    assert not at.exception
    return at


def run_global(at: AppTest, min_count: int = 1) -> AppTest:
    """Click the global run's button; then rank words seen at least ``min_count`` times (the posts are few)."""
    next(b for b in at.button if b.label == "Explain these posts").click()
    at.run()
    assert not at.exception
    at.number_input(key=global_words.MIN_COUNT).set_value(min_count).run()
    assert not at.exception
    return at


# -- picking a post ---------------------------------------------------------------------------
def test_arriving_with_row_explains_that_post(score_page: AppTest) -> None:
    at = scored(score_page)
    at.query_params["post"] = "3"
    at.run()
    assert not at.exception
    assert at.subheader[0].value == "Post 3"
    assert [c.value for c in at.code] == ["I hate you, stupid"]
    assert at.selectbox(key=post_picker.ROW).value == 2  # its position; shown as "3"
    shown = metrics(at)
    assert shown["toxic score"] == "0.950" and shown["hate score"] == "0.550"
    body = next(b for b in html_bodies(at))
    assert 'title="+0.4250">hate</span>' in body and 'title="+0.4250">stupid</span>' in body
    assert 'title="+0.0000">you</span>' in body
    bars = chart(at, attributions.chart_key("tokens", "toxic"))["data"][0]
    assert set(bars["y"]) == {"hate @2", "stupid @12"}  # zero-valued words are left out
    faithful = chart(at, attributions.chart_key("faithfulness", "hate"))["data"]
    assert [trace["name"] for trace in faithful] == ["Top-k words", "Random k words"]
    assert faithful[0]["y"][0] == pytest.approx(0.45)  # removing "hate" drops hate from 0.55 to 0.10
    assert faithful[0]["y"][0] > faithful[1]["y"][0]


def test_picking_another_row_updates_the_url_and_the_post(score_page: AppTest) -> None:
    at = scored(score_page)
    at.query_params["post"] = "3"
    at.run()
    at.selectbox(key=post_picker.ROW).set_value(0).run()
    assert not at.exception
    assert at.query_params["post"] == "1"
    assert [c.value for c in at.code] == ["you idiot"]
    assert metrics(at)["toxic score"] == "0.550"


def test_thresholds_chosen_on_the_score_page_decide_flagged(score_page: AppTest) -> None:
    at = scored(score_page)
    at.session_state[thresholds.CHOSEN] = {"toxic": 0.6, "hate": 0.5}
    at.query_params["post"] = "1"
    at.run()
    deltas = {m.label: m.proto.delta for m in at.metric}
    assert deltas["toxic score"] == "not flagged at threshold 0.600"
    assert deltas["hate score"] == "not flagged at threshold 0.500"


def test_typed_post_is_explained(score_page: AppTest) -> None:
    at = scored(score_page)
    at.run()
    at.radio(key=post_picker.SOURCE).set_value(post_picker.TYPED).run()
    at = type_post(at, "go back home, vermin")
    shown = metrics(at)
    assert shown["hate score"] == "0.950" and shown["toxic score"] == "0.100"
    words = table_with(at, "SHAP hate").set_index("word")
    assert words.loc["vermin", "SHAP hate"] > 0.2
    assert words.loc["home", "SHAP hate"] == pytest.approx(0.0)
    assert not at.code  # a typed post is only in its text area


def test_no_results_yet_offers_typing(app: AppTest) -> None:
    at = explain_page(app)
    assert any("No scored upload yet" in i.value for i in at.info)
    assert not at.metric and not at.get("plotly_chart")
    assert not [h for h in at.header if h.value == "Across the upload"]
    at = type_post(at, "you stupid idiot")
    assert metrics(at)["toxic score"] == "0.950"


def test_bad_rows_are_reported(app: AppTest, score_page: AppTest) -> None:
    at = explain_page(app)
    at.query_params["post"] = "7"
    at.run()
    assert any("Post 7 is not in the current results" in safe_text.visible_text(w.value) for w in at.warning)

    at.switch_page("pages/score.py").run()
    at = scored(at)
    at.query_params["post"] = "99"
    at.run()
    assert not at.exception
    assert any("Post 99 is not in the current results (3 posts)" in safe_text.visible_text(w.value) for w in at.warning)
    assert [c.value for c in at.code] == ["you idiot"]  # the first post instead
    at.query_params["post"] = "0"  # posts are numbered from 1
    at.run()
    assert not at.exception
    assert any("Post 0 is not in the current results" in safe_text.visible_text(w.value) for w in at.warning)


def test_blank_typed_post_shows_nothing_to_explain(app: AppTest) -> None:
    at = type_post(explain_page(app), "   \n  ")
    assert not at.metric
    assert any("Type a post to see its scores" in c.value for c in at.caption)


def test_empty_post_of_the_upload_has_scores_but_no_words(score_page: AppTest) -> None:
    score_page.file_uploader(key=score_input.UPLOAD).set_value(("p.csv", b'id,text\n1,you idiot\n2,""\n', "text/csv"))
    at = score_page.run().switch_page("pages/explain.py")
    at.query_params["post"] = "2"
    at.run()
    assert not at.exception
    assert any("no words to attribute" in i.value for i in at.info)
    assert metrics(at)["toxic score"] == "0.100"
    assert not at.get("plotly_chart") and not [s for s in at.subheader if s.value == "Remove a word"]


# -- occlusion and what-if --------------------------------------------------------------------
def test_removing_a_word_shows_the_score_without_it(score_page: AppTest) -> None:
    at = scored(score_page)
    at.query_params["post"] = "3"
    at.run()
    picker = at.selectbox(key=occlusion.WORD)
    assert picker.options == ["I   (word 1)", "hate   (word 2)", "you   (word 3)", "stupid   (word 4)"]
    assert picker.value == 1  # starts at the strongest word
    picker.set_value(3).run()
    table = table_with(at, "without the word").set_index("label")
    assert table.loc["toxic", "score"] == pytest.approx(0.95)
    assert table.loc["toxic", "without the word"] == pytest.approx(0.55)  # "stupid" removed, "hate" left
    assert table.loc["hate", "without the word"] == pytest.approx(0.55)
    assert table.loc["toxic", "change"] == pytest.approx(-0.40)


def test_what_if_edit_updates_scores_and_attributions(score_page: AppTest) -> None:
    at = scored(score_page)
    at.query_params["post"] = "1"
    at.run()
    editor = at.text_area(key=what_if.EDIT)
    assert editor.value == "you idiot"
    assert any("Change the text above" in c.value for c in at.caption)
    editor.set_value("you idiot, go back").run()
    assert not at.exception
    changes = table_with(at, "edited").set_index("label")
    assert changes.loc["toxic", "original"] == pytest.approx(0.55)
    assert changes.loc["hate", "edited"] == pytest.approx(0.55)
    assert changes.loc["hate", "change"] == pytest.approx(0.45)
    assert metrics(at)["hate score of the edit"] == "0.550"
    edited = [b for b in html_bodies(at) if ">back</span>" in b]
    assert edited, "the edit is not highlighted"
    assert any('title="+0.0000">idiot</span>' in b for b in edited)  # idiot does not move hate

    next(b for b in at.button if b.label == "Back to the original").click().run()
    assert at.text_area(key=what_if.EDIT).value == "you idiot"


# -- hostile text -----------------------------------------------------------------------------
def test_hostile_post_is_shown_as_text(app: AppTest) -> None:
    at = type_post(explain_page(app), f"{SCRIPT} you idiot {IMG}")
    bodies = html_bodies(at)
    assert len(bodies) == 2  # one highlighted post per label
    for body in bodies:
        assert "&lt;<span" in body and "script&gt;alert(1)&lt;/script</span>&gt;" in body
        assert "&lt;<span" in body and ">img</span>" in body and "onerror=alert(2</span>)&gt;" in body
        assert "<script" not in body and "<img" not in body
    for element in [*at.markdown, *at.caption, *at.info, *at.warning]:
        assert "alert" not in str(element.value)
    bars = chart(at, attributions.chart_key("tokens", "toxic"))["data"][0]
    assert bars["y"] == ["idiot @30"]
    words = table_with(at, "SHAP toxic")["word"].tolist()
    assert "script>alert(1)</script" in words  # raw text only inside a dataframe


# -- across the upload ------------------------------------------------------------------------
def test_global_view_finds_top_words_and_opens_their_posts(score_page: AppTest) -> None:
    at = scored(score_page)
    at.run()
    assert any(c.value == "Chosen: the 2 flagged posts." for c in at.caption)
    at = run_global(at)
    # post 0 was explained for the view above: the global run reuses it
    done = re.compile(r"The 2 flagged posts: 2 posts explained( in [\d.]+ s)?, 1 of them from earlier runs\.")
    assert any(done.fullmatch(c.value) for c in at.caption), [c.value for c in at.caption]  # time shown when >= 0.1 s
    toxic = chart(at, global_words.chart_key("toxic"))["data"][0]
    assert set(toxic["y"][-3:]) == {"idiot", "hate", "stupid"}  # largest mean |value| at the top
    assert "hello" not in toxic["y"]  # not flagged, not explained
    hate = chart(at, global_words.chart_key("hate"))["data"][0]
    assert hate["y"][-1] == "hate"

    at.selectbox(key=global_words.LABEL).set_value("toxic").run()
    at.selectbox(key=global_words.WORD).set_value("stupid").run()
    posts = table_with(at, "times")
    assert posts["row"].tolist() == [2] and posts["post"].tolist() == ["3"]
    assert posts["text"].tolist() == ["I hate you, stupid"]
    assert posts["score_toxic"].tolist() == [pytest.approx(0.95)]
    at.session_state[global_words.POSTS] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    preview = html_bodies(at)[-1]
    assert 'title="+0.4250">stupid</span>' in preview
    assert at.subheader[0].value == "Post 1"
    assert any("**Post 3**" in m.value for m in at.markdown)  # posts are numbered from 1 everywhere
    next(b for b in at.button if b.label == "Explain post 3 above").click().run()
    assert not at.exception
    assert at.subheader[0].value == "Post 3"
    assert at.query_params["post"] == "3"
    assert [c.value for c in at.code] == ["I hate you, stupid"]


def test_global_view_ranks_only_words_seen_often_enough(score_page: AppTest) -> None:
    at = scored(score_page, "you idiot\nidiot again\nhello there\n")
    at = run_global(at.run(), min_count=2)  # the default
    toxic = chart(at, global_words.chart_key("toxic"))["data"][0]
    assert toxic["y"] == ["idiot"]  # "you" and "again" occur once
    at.number_input(key=global_words.MIN_COUNT).set_value(3).run()
    assert any("No word occurs 3 times or more" in i.value for i in at.info)
    assert global_words.chart_key("toxic") not in [c.key for c in at.get("plotly_chart")]


def test_global_view_over_all_posts_with_a_cap(score_page: AppTest) -> None:
    at = scored(score_page)
    at.run()
    at.radio(key=global_run.SCOPE).set_value(global_run.ALL_POSTS)
    at.number_input(key=global_run.MAX_POSTS).set_value(2).run()
    assert any(c.value == "Chosen: 2 of the 3 posts (a random sample)." for c in at.caption)
    at = run_global(at)
    run: global_explanations.GlobalRun = at.session_state[global_run.RESULT]
    assert run.n_chosen == run.n_explained == 2
    assert run.view.attributions.posts["post_id"].nunique() == 2


def test_no_flagged_posts_disables_the_global_run(score_page: AppTest) -> None:
    at = scored(score_page, "hello there\nnice day\n")
    at.run()
    button = next(b for b in at.button if b.label == "Explain these posts")
    assert button.disabled
    assert any("No post is flagged at the chosen thresholds" in c.value for c in at.caption)


class _StopAfterFirstPost:
    """The fake model, stopping ``job`` during its first post (what the Stop button's callback does)."""

    def __init__(self, model: KeywordModel) -> None:
        self.model = model
        self.job: global_explanations.GlobalJob | None = None
        self.ready = threading.Event()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        assert self.ready.wait(10), "the test did not hand over the job"
        assert self.job is not None
        self.job.stop()
        return self.model.predict_proba(texts)


def test_stopped_global_run_keeps_finished_posts_and_resumes(score_page: AppTest, fake_model: KeywordModel) -> None:
    at = scored(score_page)
    at.query_params["post"] = "2"  # not flagged: the flagged posts are not in the per-post cache yet
    at.run()
    result = at.session_state[session.RESULT]
    source = (result.posts.content_hash, result.posts.text_col, result.model.version)
    predict = _StopAfterFirstPost(fake_model)
    predict.job = job = global_explanations.start_global(
        source, result.posts.texts, [0, 2], predict, fake_model.labels_, "the 2 flagged posts"
    )
    predict.ready.set()
    at.session_state[global_run.PENDING] = job  # as if the run were started here and Stop clicked
    at.run()
    assert not at.exception
    at.number_input(key=global_words.MIN_COUNT).set_value(1).run()
    assert any("Stopped: 1 of 2 posts were explained" in w.value for w in at.warning)
    toxic = chart(at, global_words.chart_key("toxic"))["data"][0]
    assert toxic["y"][-1] == "idiot" and "stupid" not in toxic["y"]  # only post 0 ("you idiot") so far

    at = run_global(at)  # again: post 0 comes from the cache, post 2 is explained now
    assert not any("Stopped" in w.value for w in at.warning)  # (the demo-mode banner is a warning too)
    assert any("2 posts explained" in c.value and "1 of them from earlier runs" in c.value for c in at.caption)
    toxic = chart(at, global_words.chart_key("toxic"))["data"][0]
    assert "stupid" in toxic["y"]


def test_failing_global_run_shows_an_error_and_the_page_keeps_working(
    score_page: AppTest, fake_model: KeywordModel
) -> None:
    at = scored(score_page).run()
    result = at.session_state[session.RESULT]
    source = (result.posts.content_hash, result.posts.text_col, result.model.version)

    def broken(texts: Sequence[str]) -> np.ndarray:
        raise RuntimeError("model exploded")

    job = global_explanations.start_global(
        source, result.posts.texts, [0, 2], broken, fake_model.labels_, "the 2 posts"
    )
    at.session_state[global_run.PENDING] = job
    at.run()
    assert not at.exception
    shown = [safe_text.visible_text(e.value) for e in at.error]
    failed = re.compile(r"Explaining the posts failed after 0 of \d new posts \(RuntimeError: model exploded\)")
    assert any(failed.match(s) for s in shown), shown
    assert any("Try again with fewer posts" in s for s in shown)
    assert global_run.PENDING not in at.session_state
    at = run_global(at)  # the real model works
    assert not at.error
    assert chart(at, global_words.chart_key("toxic"))


def test_global_result_survives_a_page_switch_and_goes_with_a_new_input(score_page: AppTest) -> None:
    at = run_global(scored(score_page).run())
    at.switch_page("pages/score.py").run()
    at.switch_page("pages/explain.py").run()
    assert at.get("plotly_chart") and chart(at, global_words.chart_key("toxic"))
    at.switch_page("pages/score.py").run()
    at = scored(at, "you moron\nhi\n").run()
    assert not at.exception
    keys = [c.key for c in at.get("plotly_chart")]
    assert global_words.chart_key("toxic") not in keys
    assert at.session_state[session.RESULT].posts.texts == ["you moron", "hi"]


def test_global_run_finishing_after_a_new_input_is_cached_but_not_shown(
    score_page: AppTest, fake_model: KeywordModel
) -> None:
    at = scored(score_page).run()
    result = at.session_state[session.RESULT]
    version = result.model.version
    source = (result.posts.content_hash, result.posts.text_col, version)
    job = global_explanations.start_global(
        source, result.posts.texts, [1, 2], fake_model.predict_proba, fake_model.labels_, "the 2 posts"
    )
    at.session_state[global_run.PENDING] = job  # still running when the user leaves
    at.switch_page("pages/score.py").run()
    at = scored(at, "you moron\nnice day\n").run()
    assert not at.exception
    assert global_words.chart_key("toxic") not in [c.key for c in at.get("plotly_chart")]
    assert global_run.PENDING not in at.session_state
    assert explanations.cached_post("I hate you, stupid", version) is not None  # under its own text
    assert explanations.cached_post("hello there", version) is not None
    assert explanations.cached_post("nice day", version) is None  # the new input's row 1 was not explained


def test_a_post_explained_from_its_first_characters_says_so(score_page: AppTest) -> None:
    limit = explanations.CONFIG.max_chars
    long_post = "you idiot " + "x" * (limit + 50)  # three words
    at = scored(score_page, long_post + "\nhello there\n")
    at.query_params["row"] = "0"
    at.run()
    assert not at.exception
    notes = [safe_text.visible_text(i.value) for i in at.info]
    said = f"This post has {len(long_post):,} characters; only its first {limit:,} characters were explained"
    assert any(said in n for n in notes), notes
