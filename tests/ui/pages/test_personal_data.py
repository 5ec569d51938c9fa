"""AppTest: personal data in posts is never shown or exported while redaction is on (the default).

Every element the pages render is searched (its protobuf, which holds table
cells, chart specs, HTML and widget values), not just the visible text. Scores
and explanations still use the posts as written.
"""

from __future__ import annotations

import contextlib
import io
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from core.privacy import RedactionConfig
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.apptest import pick_rows, results_table, upload
from tests.ui.pages.workspace import signed_in
from ui.sections.explain import global_words, post_picker, what_if
from ui.sections.score import export as score_export
from ui.sections.score import privacy as score_privacy
from ui.sections.score import table as score_table
from ui.services import privacy, results, session

EMAIL = "alice.smith@example.com"
PHONE = "+44 20 7946 0958"
URL = "https://evil.example.com/alice"
HANDLE = "@bob_smith99"
SECRETS = (EMAIL, "alice", PHONE, "7946", "evil.example", "bob_smith99")
POSTS = pd.DataFrame(
    {
        "text": [
            f"you idiot, mail me at {EMAIL} now",
            f"call {PHONE} or see {URL}",
            f"thanks {HANDLE} for the help",
            "muslims are welcome here, write to alice.smith@example.com",
            "nothing personal in this one",
        ],
        "author": [EMAIL, "x", "y", "z", "w"],
    }
)


def rendered(at: AppTest) -> str:
    """Everything the page holds: every element's protobuf and every widget's value."""
    parts = []
    for node in at._tree:
        parts.append(str(getattr(node, "proto", "")))
        with contextlib.suppress(Exception):  # elements without a value
            parts.append(str(node.value))
    return "\n".join(parts)


def assert_hidden(at: AppTest) -> str:
    assert not at.exception
    shown = rendered(at)
    leaked = [secret for secret in SECRETS if secret in shown]
    assert leaked == []
    return shown


@pytest.fixture
def scored(score_page: AppTest) -> AppTest:
    at = upload(score_page, "people.csv", POSTS.to_csv(index=False).encode())
    assert not at.exception
    return at


def test_the_score_page_shows_no_personal_data(scored: AppTest) -> None:
    at = scored
    table = results_table(at)
    assert table["text"].iloc[0] == "you idiot, mail me at <EMAIL> now"
    assert table["text"].iloc[1] == "call <PHONE> or see <URL>"
    assert table["author"].iloc[0] == "<EMAIL>"
    assert table[privacy.HIDDEN].tolist()[:3] == ["2 EMAIL", "1 PHONE, 1 URL", "1 HANDLE"]
    assert table["score_toxic"].iloc[0] > 0.5  # scored as written ("idiot")
    pick_rows(at, 1)
    at.run()
    assert [c.value for c in at.code] == ["call <PHONE> or see <URL>"]
    assert "<EMAIL>" in assert_hidden(at)


def test_exports_are_redacted(scored: AppTest) -> None:
    result = scored.session_state[session.RESULT]
    chosen = dict(result.model_thresholds)
    config = RedactionConfig()  # what the page uses while redaction is on
    csv = score_export.export_bytes(results.export_csv, result, chosen, config).decode()
    parquet = score_export.export_bytes(results.export_parquet, result, chosen, config)
    table = pq.read_table(io.BytesIO(parquet))
    text = " ".join(map(str, table.to_pandas().to_numpy().ravel()))
    for secret in SECRETS:
        assert secret not in csv and secret not in text
    assert "<EMAIL>" in csv and "<EMAIL>" in text
    assert b'"personal_data": "redacted"' in table.schema.metadata[b"modlens"]


def test_the_explain_page_never_reveals_what_was_hidden(scored: AppTest) -> None:
    at = scored.switch_page("pages/explain.py")
    at.query_params["row"] = "0"
    at.run()
    shown = assert_hidden(at)
    assert "&lt;EMAIL&gt;" in " ".join(h.proto.body for h in at.get("html"))  # the highlighted post
    assert at.text_area(key=what_if.EDIT).value == "you idiot, mail me at <EMAIL> now"
    assert "EMAIL" in shown and at.metric[0].value == "0.550"  # explained as written: "idiot" counts

    at.radio(key="modlens.explain.global.scope").set_value("All posts").run()
    next(b for b in at.button if b.label == "Explain these posts").click()
    at.run()
    at.number_input(key=global_words.MIN_COUNT).set_value(1).run()
    assert_hidden(at)
    words = at.selectbox(key=global_words.WORD).options
    assert words and not any("alice" in w or "smith" in w for w in words)


def test_the_bias_page_shows_no_personal_data(scored: AppTest) -> None:
    at = scored.switch_page("pages/bias.py")
    at.run()
    shown = assert_hidden(at)
    assert "muslims are welcome here, write to <EMAIL>" in shown


def test_an_authorised_user_may_show_one_upload_as_written(scored: AppTest) -> None:
    at = scored
    content_hash = at.session_state[session.RESULT].posts.content_hash
    at.toggle(key=score_privacy.SWITCH(content_hash)).set_value(True).run()
    assert results_table(at)["text"].iloc[0] == f"you idiot, mail me at {EMAIL} now"
    assert privacy.HIDDEN not in results_table(at).columns
    assert EMAIL in rendered(at)  # the search of rendered elements sees table cells
    at.toggle(key=score_privacy.SWITCH(content_hash)).set_value(False).run()
    assert results_table(at)["text"].iloc[0] == "you idiot, mail me at <EMAIL> now"


def test_personal_data_inside_nested_json_values_is_hidden(score_page: AppTest) -> None:
    rows = [
        {"text": "you idiot", "user": {"email": EMAIL, "phone": PHONE}, "tags": [HANDLE, 3]},
        {"text": "hello there", "user": {"email": "x"}, "tags": []},
    ]
    at = upload(score_page, "posts.jsonl", "\n".join(json.dumps(row) for row in rows).encode())
    table = results_table(at)
    assert table["user"].iloc[0] == "{'email': '<EMAIL>', 'phone': '<PHONE>'}"
    assert table["tags"].iloc[0] == "['<HANDLE>', 3]"
    assert table[privacy.HIDDEN].iloc[0] == "1 EMAIL, 1 PHONE, 1 HANDLE"
    assert_hidden(at)
    result = at.session_state[session.RESULT]
    redacted = privacy.redacted_columns(result.posts, RedactionConfig())
    exported = results.export_csv(result, {label: 0.5 for label in result.labels}, None, redacted).decode()
    assert "<EMAIL>" in exported and not [secret for secret in SECRETS if secret in exported]


def signed_in_scored(name: str) -> AppTest:
    """A session signed in as ``name`` with :data:`POSTS` scored on the Score page."""
    at = signed_in(name).switch_page("pages/score.py").run()
    at = upload(at, "people.csv", POSTS.to_csv(index=False).encode())
    assert not at.exception
    return at


def _force_switch(at: AppTest, content_hash: str) -> AppTest:
    """Turn the switch on even when it is disabled (what a hand-made request could do)."""
    switch = at.toggle(key=score_privacy.SWITCH(content_hash))
    switch._value = True  # set_value refuses disabled widgets; the server must refuse too
    return at.run()


def test_an_analyst_may_not_show_personal_data(fake_model: KeywordModel, team: dict[str, str]) -> None:
    from core.store import users
    from core.store.connect import open_database

    db = open_database()
    at = signed_in_scored("ana")
    content_hash = at.session_state[session.RESULT].posts.content_hash
    assert at.toggle(key=score_privacy.SWITCH(content_hash)).disabled
    at = _force_switch(at, content_hash)
    assert not at.exception
    assert privacy.REVEALED(content_hash) not in at.session_state
    assert not privacy.may_reveal(users.user_actor(db, "ana"))
    assert results_table(at)["text"].iloc[0] == "you idiot, mail me at <EMAIL> now"
    assert_hidden(at)


def test_the_reveal_is_forgotten_when_the_role_changes(fake_model: KeywordModel, team: dict[str, str]) -> None:
    from core.store import users
    from core.store.connect import open_database
    from core.store.roles import operator_actor

    at = signed_in_scored("boss")
    content_hash = at.session_state[session.RESULT].posts.content_hash
    at.toggle(key=score_privacy.SWITCH(content_hash)).set_value(True).run()
    assert results_table(at)["text"].iloc[0] == f"you idiot, mail me at {EMAIL} now"
    db = open_database()
    users.add_user(db, operator_actor(), "root", "admin", "root-password")
    users.set_role(db, operator_actor(), "boss", "analyst")
    at.run()
    assert results_table(at)["text"].iloc[0] == "you idiot, mail me at <EMAIL> now"
    switch = at.toggle(key=score_privacy.SWITCH(content_hash))
    assert switch.disabled and not switch.value
    assert_hidden(at)


def test_a_typed_post_is_shown_as_typed(app: AppTest) -> None:
    app.switch_page("pages/explain.py").run()
    app.text_area(key=post_picker.TYPED_TEXT).set_value(f"you idiot {EMAIL}").run()
    assert not app.exception
    assert any(EMAIL in h.proto.body for h in app.get("html"))  # the user's own text, not an upload


def test_searching_hidden_data_finds_no_post_until_it_is_shown(fake_model: KeywordModel, team: dict[str, str]) -> None:
    at = signed_in_scored("boss")
    at.text_input(key=score_table.SEARCH).set_value("alice.smith").run()
    assert results_table(at).empty  # the two posts holding the address are not named by it
    at.text_input(key=score_table.SEARCH).set_value("welcome").run()
    assert results_table(at)["text"].tolist() == ["muslims are welcome here, write to <EMAIL>"]
    content_hash = at.session_state[session.RESULT].posts.content_hash
    at.toggle(key=score_privacy.SWITCH(content_hash)).set_value(True).run()  # an admin shows personal data
    at.text_input(key=score_table.SEARCH).set_value("alice.smith").run()
    assert len(results_table(at)) == 2
