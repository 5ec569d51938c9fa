"""AppTest: the Score page's state across an analyst's steps (picking a post, re-sorting, reopening batches)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.ui.pages.apptest import paste, pick_rows, results_table, upload
from ui.components import thresholds
from ui.sections.score import input as score_input
from ui.sections.score import numbering, saved
from ui.sections.score import table as score_table

PASTED = "you idiot\nhello there\nI hate you, stupid\nnice day\n"


def opened(at: AppTest) -> tuple[list[str], list[str]]:
    """The post shown under the table (its text) and the Explain links."""
    links = [link.proto.query_string for link in at.page_link if link.proto.page == "explain"]
    return [c.value for c in at.code], links


def test_a_picked_post_is_not_replaced_by_another_when_the_table_shows_other_rows(score_page: AppTest) -> None:
    at = paste(score_page, PASTED)
    pick_rows(at, 2).run()
    assert opened(at) == (["I hate you, stupid"], ["post=3"])
    at.slider(key=thresholds.slider_key("toxic")).set_value(0.9).run()  # the same rows: the pick stays
    assert opened(at) == (["I hate you, stupid"], ["post=3"])
    at.selectbox(key=score_table.SORT).set_value("score_hate").run()
    assert results_table(at)["text"].tolist()[2] == "hello there"  # the picked position is another post now
    assert opened(at) == ([], [])  # before: "hello there" opened (and linked to Explain) though never picked
    pick_rows(at, 0).run()
    assert opened(at) == (["I hate you, stupid"], ["post=3"])
    at.text_input(key=score_table.SEARCH).set_value("day").run()
    assert results_table(at)["text"].tolist() == ["nice day"]
    assert opened(at) == ([], [])  # before: "nice day", the post now at the picked position


def test_a_reopened_batch_is_named_by_its_own_id_column(score_page: AppTest) -> None:
    at = upload(score_page, "a.csv", b"text,id\nyou idiot,a1\nhello,a2\n")
    at = upload(at, "b.csv", b"text,id\nhate you,b1\nnice day,b2\nok,b3\n")
    at.selectbox(key=numbering.PICKER).set_value(numbering.ROW_NUMBERS).run()  # b.csv: by row numbers
    assert results_table(at).index.tolist() == ["1", "2", "3"]
    at.selectbox(key=saved.KEYS("pick")).set_value(1).run()  # a.csv, saved first
    at.button(key=saved.KEYS("open")).click().run()
    assert not at.exception
    assert results_table(at)["text"].tolist() == ["you idiot", "hello"]
    assert at.selectbox(key=numbering.PICKER).value == "id"  # before: b.csv's choice, row numbers
    assert results_table(at).index.tolist() == ["a1", "a2"]


def test_opening_a_batch_clears_the_previous_input_problem(score_page: AppTest) -> None:
    at = paste(score_page, PASTED)
    at = upload(at, "empty.csv", b"")
    assert any("empty" in e.value for e in at.error)
    at.selectbox(key=saved.KEYS("pick")).set_value(1).run()
    at.button(key=saved.KEYS("open")).click().run()
    at.run()
    assert score_input.ERROR not in at.session_state
    assert not any("empty" in e.value for e in at.error)
