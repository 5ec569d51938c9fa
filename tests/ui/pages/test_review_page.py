"""AppTest: the Review page as a reviewer: claim, evidence, decide with a reason, go back, bulk, progress, export.

Queues are made with :mod:`core.store` (a batch of 8 posts: toxic score i/8, ids p0.., authors
a0..a3); decisions are read back from the database, as a reload or a server restart would.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.store.connect import close_databases, open_database
from core.store.exports import decision_history
from core.store.roles import operator_actor
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.workspace import buttons, events, queue_of, signed_in, texts
from ui.sections.review import author, bulk, evidence, queue_picker, workbench
from ui.sections.review import export as review_export
from ui.services import auth

PAGE = "pages/review.py"


def history(queue: str = "q1") -> pd.DataFrame:
    return decision_history(open_database(), operator_actor(), queue)


def shown_post(at: AppTest) -> str:
    """The id of the post on screen (``Post p7 by a3 (row ...)``)."""
    line = next(t for t in texts(at, "markdown") if t.startswith("Post "))
    return line.split()[1]


def decide(at: AppTest, action: str, reason: str | None = None, note: str | None = None) -> AppTest:
    post = shown_post(at)
    item = next(
        int(s.key.rsplit(".", 1)[1]) for s in at.selectbox if s.key and s.key.startswith(workbench.KEYS("reason"))
    )
    if reason is not None:
        at.selectbox(key=workbench.reason_key(item)).set_value(reason)
    if note is not None:
        at.text_area(key=workbench.note_key(item)).set_value(note)
    at.button(key=workbench.action_key(action)).click()
    at.run()
    assert not at.exception
    assert shown_post(at) != post or texts(at, "error")
    return at


@pytest.fixture
def reviewer(fake_model: KeywordModel, team) -> AppTest:
    queue_of(8)
    at = signed_in("rev")
    at.switch_page(PAGE).run()
    assert not at.exception and at.title[0].value == "Review"
    return at


def test_reviewer_decides_posts_highest_score_first_with_reason_note_and_time(reviewer: AppTest) -> None:
    at = reviewer
    assert shown_post(at) == "p7"  # toxic 7/8: the highest priority
    assert {"Approve", "Remove", "Escalate", "Skip", "Previous", "Next"} <= set(buttons(at))
    assert [at.button(key=workbench.action_key(a)).proto.shortcut for a in workbench.SHORTCUTS] == ["a", "x", "e", "s"]
    decide(at, "remove", reason="harassment", note="=cmd|' /C calc'!A0")
    assert shown_post(at) == "p6"
    decide(at, "approve", reason="not_violating")
    decide(at, "escalate")
    decided = history()
    assert decided["id"].tolist() == ["p7", "p6", "p5"]
    assert decided["action"].tolist() == ["remove", "approve", "escalate"]
    assert decided["reason"].tolist()[:2] == ["harassment", "not_violating"]
    assert decided["note"].iloc[0] == "=cmd|' /C calc'!A0"
    assert decided["seconds_spent"].notna().all() and (decided["seconds_spent"] >= 0).all()
    assert set(decided["model_version"]) == {"v7 test-model (2026-01-01)"}
    assert set(decided["reviewer"]) == {"rev"}
    assert (events("decision")["actor"] == "rev").sum() == 3
    recent = next(d.value for d in at.dataframe if "action" in d.value.columns and "post" in d.value.columns)
    assert recent["post"].tolist() == ["p5", "p6", "p7"]


def test_a_reason_that_does_not_fit_the_action_is_refused(reviewer: AppTest) -> None:
    at = reviewer
    decide(at, "approve", reason="harassment")
    assert any("Reason 'harassment' cannot be given for approve" in e for e in texts(at, "error"))
    assert shown_post(at) == "p7" and history().empty


def test_previous_shows_the_decided_post_and_deciding_again_replaces_it(reviewer: AppTest) -> None:
    at = reviewer
    decide(at, "approve")
    decide(at, "approve")
    at.button(key=workbench.KEYS("previous")).click()
    at.run()
    assert shown_post(at) == "p6"
    assert any("You decided approve" in t for t in texts(at, "info"))
    at.button(key=workbench.KEYS("previous")).click()
    at.run()
    assert shown_post(at) == "p7"
    decide(at, "remove", reason="harassment")  # changes p7; back to the next post to decide
    assert shown_post(at) == "p5"
    current = history()[lambda h: h["is_current"]]
    assert dict(zip(current["id"], current["action"], strict=True)) == {"p6": "approve", "p7": "remove"}
    assert history()["id"].tolist() == ["p7", "p6", "p7"]  # the first decision of p7 is kept


def test_an_unsaved_reason_and_note_survive_previous_and_next(reviewer: AppTest) -> None:
    at = decide(reviewer, "approve")
    item = next(
        int(s.key.rsplit(".", 1)[1]) for s in at.selectbox if s.key and s.key.startswith(workbench.KEYS("reason"))
    )
    at.selectbox(key=workbench.reason_key(item)).set_value("harassment")
    at.text_area(key=workbench.note_key(item)).set_value("a careful note").run()
    at.button(key=workbench.KEYS("previous")).click().run()
    assert shown_post(at) == "p7"  # the decided post: the claimed one's widgets are not drawn
    at.button(key=workbench.KEYS("next")).click().run()
    assert shown_post(at) == "p6" and not at.exception
    assert at.selectbox(key=workbench.reason_key(item)).value == "harassment"
    assert at.text_area(key=workbench.note_key(item)).value == "a careful note"
    at.button(key=workbench.action_key("remove")).click().run()
    decided = history()[lambda h: h["id"] == "p6"]
    assert decided["reason"].tolist() == ["harassment"] and decided["note"].tolist() == ["a careful note"]
    assert workbench.draft_key("note", item) not in at.session_state  # forgotten once decided


def test_a_new_session_finds_the_decisions_and_the_claimed_post(reviewer: AppTest) -> None:
    at = reviewer
    decide(at, "remove")
    decide(at, "remove")
    held = shown_post(at)
    close_databases()  # as after a server restart: nothing is kept in memory
    again = signed_in("rev")
    again.query_params["queue"] = "q1"
    again.switch_page(PAGE).run()
    assert shown_post(again) == held  # the lease keeps the claimed post for its reviewer
    recent = next(d.value for d in again.dataframe if "post" in d.value.columns and "action" in d.value.columns)
    assert recent["post"].tolist() == ["p6", "p7"] and set(recent["action"]) == {"remove"}
    again.button(key=workbench.KEYS("previous")).click()
    again.run()
    assert shown_post(again) == "p6"


def test_two_reviewers_never_get_the_same_post(reviewer: AppTest) -> None:
    other = signed_in("rev2")
    other.switch_page(PAGE).run()
    assert shown_post(reviewer) == "p7" and shown_post(other) == "p6"


def test_hostile_post_text_stays_text_and_the_evidence_is_shown(fake_model: KeywordModel, team) -> None:
    from core.store.batches import save_batch
    from core.store.queues import QueueRequest
    from core.store.rules import AllPosts
    from tests.db_fixtures import batch_input

    hostile = "<img src=x onerror=alert(1)> **bold** :red[x] you idiot muslims"
    frame = pd.DataFrame({"id": ["h1"], "author": ["mallory"], "text": [hostile], "lang": ["en"]})
    batch = batch_input(1, frame=frame)
    save_batch(open_database(), operator_actor(), batch, queue=QueueRequest("hostile", AllPosts()))
    at = signed_in("rev")
    at.switch_page(PAGE).run()
    assert not at.exception
    assert [c.value for c in at.code] == [hostile]  # verbatim, unparsed
    highlights = [h.proto.body for h in at.get("html")]
    assert highlights and all("<img" not in h and "&lt;" in h and "onerror" in h for h in highlights)
    words = [d.value for d in at.dataframe if "token" in d.value.columns]
    assert any("idiot" in w["token"].tolist() for w in words)
    assert any("Identity swap" in t for t in texts(at, "markdown"))
    assert any("Swapped to group" in str(d.proto.columns) or "target_group" in d.value.columns for d in at.dataframe)
    at.toggle(key=evidence.EXPLAIN).set_value(False).run()
    assert at.get("html") == [] or not any("&lt;img" in h.proto.body for h in at.get("html"))
    at.toggle(key=author.SHOW).set_value(True).run()
    counts = {m.label: m.value for m in at.metric}
    assert counts["Posts"] == "1" and counts["Pending"] == "1"


def test_the_author_view_shows_the_last_posts_and_counts_them_all(reviewer: AppTest, monkeypatch) -> None:
    from core.store import stats

    monkeypatch.setattr(stats, "MAX_AUTHOR_POSTS", 1)  # every author of the batch wrote 2 of its 8 posts
    at = reviewer
    at.toggle(key=author.SHOW).set_value(True).run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Posts"] == "2"
    assert any("The last 1 of 2 posts" in c for c in texts(at, "caption"))
    assert [len(d.value) for d in at.dataframe if list(d.value.columns[:2]) == ["id", "text"]] == [1]


def test_bulk_decision_asks_first_then_decides_each_post_with_the_rule(reviewer: AppTest) -> None:
    at = reviewer
    at.segmented_control(key=queue_picker.VIEW).set_value(queue_picker.BULK).run()
    at.slider(key=bulk.KEYS("range")).set_value((0.0, 0.3)).run()
    assert any("3 pending posts match score_toxic <= 0.3" in t for t in texts(at, "markdown"))
    at.button(key=bulk.KEYS("ask")).click().run()
    assert any("Approve 3 posts" in w for w in texts(at, "warning"))
    assert history().empty  # nothing before the confirmation
    at.button(key=bulk.KEYS("yes")).click().run()
    assert any("Approve: 3 posts (score_toxic <= 0.3)" in s for s in texts(at, "success"))
    decided = history()
    assert sorted(decided["id"]) == ["p0", "p1", "p2"]
    assert set(decided["source"]) == {"rule"} and set(decided["rule_text"]) == {"score_toxic <= 0.3"}
    assert events("bulk_decision")["after"].iloc[0]["decided"] == 3


def test_progress_and_agreement_views(fake_model: KeywordModel, team) -> None:
    queue_of(6, reviews_required=2)
    first = signed_in("rev")
    first.switch_page(PAGE).run()
    for action in ("remove", "remove", "approve"):
        decide(first, action)
    second = signed_in("rev2")
    second.switch_page(PAGE).run()
    for action in ("remove", "approve", "approve"):
        decide(second, action)
    second.segmented_control(key=queue_picker.VIEW).set_value(queue_picker.PROGRESS).run()
    assert not second.exception
    metrics = {m.label: m.value for m in second.metric}
    assert metrics["Posts"] == "6" and metrics["Done"] == "3" and metrics["Left"] == "3"
    charts = [c.proto.spec for c in second.get("plotly_chart")]
    assert len(charts) == 4 and any("Cohen" in spec for spec in charts)
    agreement = next(d.value for d in second.dataframe if "precision" in d.value.columns)
    assert agreement["n"].tolist() == [3, 3]


def test_export_is_formula_escaped_and_carries_the_model_version(reviewer: AppTest, team) -> None:
    decide(reviewer, "remove", reason="harassment", note='=HYPERLINK("http://x")')
    auth.sign_in("rev", team["rev"])  # the exports run as the session's actor (here: the test's)
    csv = pd.read_csv(io.BytesIO(review_export.csv_bytes("q1")))
    row = csv[csv["id"] == "p7"].iloc[0]
    assert row["action"] == "remove" and row["reviewer"] == "rev" and row["note"].startswith("'=")
    assert set(csv["model_version"]) == {"v7 test-model (2026-01-01)"}
    parquet = pd.read_parquet(io.BytesIO(review_export.parquet_bytes("q1")))
    assert parquet.loc[parquet["id"] == "p7", "note"].iloc[0] == '=HYPERLINK("http://x")'
    reviewer.segmented_control(key=queue_picker.VIEW).set_value(queue_picker.EXPORT).run()
    assert {"Download CSV", "Download Parquet"} <= {b.proto.label for b in reviewer.get("download_button")}


def test_queue_picker_follows_the_url(fake_model: KeywordModel, team) -> None:
    queue_of(4, name="first")
    queue_of(4, name="second")
    at = signed_in("rev")
    at.query_params["queue"] = "first"
    at.switch_page(PAGE).run()
    assert at.selectbox(key=queue_picker.QUEUE).value == "first"
    at.selectbox(key=queue_picker.QUEUE).set_value("second").run()
    assert at.query_params["queue"] == ["second"] or at.query_params["queue"] == "second"


def test_no_queue_says_how_to_make_one(fake_model: KeywordModel, team) -> None:
    at = signed_in("rev")
    at.switch_page(PAGE).run()
    assert any("No review queue yet" in t for t in texts(at, "info"))
