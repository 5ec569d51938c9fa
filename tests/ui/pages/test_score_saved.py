"""AppTest: the Score page's saved work, and posts sent to review.

Each scored upload is a batch, reopened after a reload with its thresholds; threshold changes
are saved and audited; posts go to review by a rule or as the table shows them.
"""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from core.store.batches import list_batches
from core.store.connect import close_databases, open_database
from core.store.queues import list_queues
from core.store.roles import operator_actor
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.apptest import metric, paste, results_table, upload
from tests.ui.pages.workspace import events, signed_in, texts
from ui.components import safe_text, thresholds
from ui.sections.review import author
from ui.sections.score import saved, send
from ui.sections.score import table as score_table

PASTED = "you idiot\nhello there\nI hate you, stupid\nnice day\nloser\n"


def batches() -> list:
    return list_batches(open_database(), operator_actor())


def queues() -> dict:
    return {q.name: q for q in list_queues(open_database(), operator_actor())}


def score_as(name: str) -> AppTest:
    at = signed_in(name)
    at.switch_page("pages/score.py").run()
    return paste(at, PASTED)


def test_a_scored_upload_is_saved_once_with_thresholds_and_model(fake_model: KeywordModel, team) -> None:
    at = score_as("ana")
    assert not at.exception
    [batch] = batches()
    assert (batch.row_count, batch.created_by, batch.file_name) == (5, "ana", "pasted posts")
    assert batch.thresholds == {"toxic": 0.5, "hate": 0.5}
    assert batch.model_version.startswith("v0 keyword-fake (")  # the version that scored the posts, by number
    assert any(f"Saved as batch {batch.id} by ana" in c for c in texts(at, "caption"))
    at.run()  # reruns do not save again
    assert len(batches()) == 1
    assert events("batch_save")["actor"].tolist() == ["ana"]


def test_threshold_changes_are_saved_with_the_batch_and_audited(fake_model: KeywordModel, team) -> None:
    at = score_as("ana")
    at.slider(key=thresholds.slider_key("toxic")).set_value(0.9).run()
    [batch] = batches()
    assert batch.thresholds["toxic"] == 0.9
    change = events("threshold_change").iloc[0]
    assert change["actor"] == "ana" and change["entity_type"] == "batch"
    assert change["before"]["toxic"] == 0.5 and change["after"]["toxic"] == 0.9


def test_a_saved_batch_reopens_in_a_new_session_without_rescoring(fake_model: KeywordModel, team) -> None:
    first = score_as("ana")
    first.slider(key=thresholds.slider_key("toxic")).set_value(0.9).run()
    scored = results_table(first)
    calls = fake_model.calls
    close_databases()  # as after a server restart
    again = signed_in("rev")  # another person, another session: reopens the team's batch
    again.switch_page("pages/score.py").run()
    assert not again.exception
    [batch] = batches()
    again.selectbox(key=saved.KEYS("pick")).set_value(batch.id)
    again.button(key=saved.KEYS("open")).click()
    again.run()
    assert not again.exception
    assert fake_model.calls == calls  # nothing was rescored
    assert again.slider(key=thresholds.slider_key("toxic")).value == 0.9
    table = results_table(again)
    assert table["text"].tolist() == scored["text"].tolist()
    pd.testing.assert_series_equal(table["score_toxic"], scored["score_toxic"], check_dtype=False, atol=1e-6)
    assert table["flag_toxic"].tolist() == [False, False, True, False, False]  # at 0.9: only the 0.95 post
    assert metric(again, "Posts") == "5"
    assert len(batches()) == 1  # reopening saves nothing new


def test_send_flagged_posts_to_review(fake_model: KeywordModel, team) -> None:
    at = score_as("ana")
    at.selectbox(key=send.KEYS("kind")).set_value(send.FLAGGED).run()
    at.selectbox(key=send.KEYS("flag_label")).set_value("toxic").run()
    at.button(key=send.KEYS("send")).click().run()
    assert not at.exception
    [name] = queues()
    queue = queues()[name]
    assert queue.total == 3 and queue.rule_text == "flagged: score_toxic >= 0.500"
    assert any(f"Queue '{name}' has 3 posts" in s for s in texts(at, "success"))
    listed = next(d.value for d in at.dataframe if "queue" in d.value.columns)
    assert listed["queue"].tolist() == [name] and listed["left"].tolist() == [3]
    assert "Review" not in [p.proto.label.split()[0] for p in at.get("page_link")]  # analysts do not decide


def test_send_the_posts_the_table_shows(fake_model: KeywordModel, team) -> None:
    at = score_as("rev")
    at.text_input(key=score_table.SEARCH).set_value("you").run()
    at.selectbox(key=send.KEYS("kind")).set_value(send.SHOWN).run()
    at.text_input(key=send.KEYS("name", "picked")).set_value("you-posts").run()
    at.button(key=send.KEYS("send")).click().run()
    assert not at.exception
    assert queues()["you-posts"].total == 2
    assert queues()["you-posts"].rule_text == "2 posts shown by the Score page's filters"
    links = [p for p in at.get("page_link") if "you-posts" in safe_text.visible_text(p.proto.label)]
    assert links and links[0].proto.query_string == "queue=you-posts"


def test_a_queue_name_is_shown_literally_in_the_link_to_review_it(fake_model: KeywordModel, team) -> None:
    name = "**now** [open](https://evil.example)"
    at = score_as("rev")
    at.selectbox(key=send.KEYS("kind")).set_value(send.ALL).run()
    at.text_input(key=send.KEYS("name", "all")).set_value(name).run()
    at.button(key=send.KEYS("send")).click().run()
    assert not at.exception and name in queues()
    label = next(p.proto.label for p in at.get("page_link") if "open" in p.proto.label)
    assert "**" not in label and "](" not in label and "https://" not in label  # no bold, no link
    assert safe_text.visible_text(label) == f"Review {name}"


def test_a_taken_queue_name_is_refused_with_a_message(fake_model: KeywordModel, team) -> None:
    at = score_as("ana")
    at.selectbox(key=send.KEYS("kind")).set_value(send.ALL).run()
    at.text_input(key=send.KEYS("name", "all")).set_value("mine").run()
    at.button(key=send.KEYS("send")).click().run()
    at.button(key=send.KEYS("send")).click().run()
    assert any("Queue 'mine' exists already" in e for e in texts(at, "error"))
    assert list(queues()) == ["mine"]


def test_an_uploaded_batch_keeps_the_score_pages_post_names_and_its_authors_for_review(
    fake_model: KeywordModel, team
) -> None:
    # The id column has an empty cell, so the Score page names the posts by row number; 'user' is the author.
    csv = b"id,user,text\np1,mallory,you idiot\n,mallory,you loser\np3,trent,nice day\n"
    at = signed_in("rev")
    at.switch_page("pages/score.py").run()
    upload(at, "posts.csv", csv)
    assert not at.exception
    [batch] = batches()
    assert (batch.id_col, batch.author_col) == (None, "user")
    at.selectbox(key=send.KEYS("kind")).set_value(send.FLAGGED).run()
    at.button(key=send.KEYS("send")).click().run()
    at.switch_page("pages/review.py").run()
    assert not at.exception
    assert any(c.startswith("Post 1 by mallory (row 1") for c in texts(at, "markdown"))  # not "Post p1"
    at.toggle(key=author.SHOW).set_value(True).run()  # the author view is offered
    assert {m.label: m.value for m in at.metric}["Posts"] == "2"
