"""AppTest: names copied from the page (with escape_markdown's invisible word joiners) work when pasted back.

ModLens shows ``dana@example.org`` in messages as ``dana@<word joiner>example.org`` so that
Streamlit does not turn it into a mail link; a person who copies it from there and pastes it
into the sign-in form, the Add-an-account form, the audit log's actor filter or the Score page's
Open post box means the name itself.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.store import users
from core.store.connect import open_database
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.apptest import upload
from tests.ui.pages.workspace import signed_in, texts
from ui.components import safe_text
from ui.sections.admin import audit
from ui.sections.admin import users as admin_users
from ui.sections.score import table as score_table

JOINER = "\u2060"


def as_shown(name: str) -> str:
    """The name as the browser shows it in a message, word joiners and all (what a copy picks up)."""
    shown = safe_text._BACKSLASH_ESCAPE.sub(r"\1", safe_text.escape_markdown(name))
    assert JOINER in shown
    return shown


def test_an_account_name_copied_from_the_page_creates_signs_in_and_filters(fake_model: KeywordModel, team) -> None:
    at = signed_in("boss")
    at.switch_page("pages/admin.py").run()
    at.text_input(key=admin_users.KEYS("new_name")).set_value(as_shown("dana@example.org"))
    at.text_input(key=admin_users.KEYS("new_password")).set_value("dana-secret")
    at.text_input(key=admin_users.KEYS("new_again")).set_value("dana-secret")
    next(b for b in at.button if b.label == "Create the account").click()
    at.run()
    assert not texts(at, "error")
    names = {u.name for u in users.list_users(open_database(), users.user_actor(open_database(), "boss"))}
    assert "dana@example.org" in names

    dana = signed_in(as_shown("dana@example.org"), "dana-secret")
    assert not any("Wrong user name or password" in e for e in texts(dana, "error"))
    assert any("Signed in as" in c and "dana@example.org" in c for c in texts(dana, "caption"))

    at.text_input(key=audit.KEYS("actor")).set_value(as_shown("dana@example.org")).run()
    table = next(d.value for d in at.dataframe if "entity_type" in d.value.columns)
    assert set(table["actor"]) == {"dana@example.org"} and "login" in set(table["action"])


def test_a_post_name_copied_from_the_page_opens_the_post(score_page: AppTest) -> None:
    at = upload(score_page, "posts.csv", b"id,text\nu@a.example,you idiot\nv@b.example,nice\n")
    assert not at.exception
    at.text_input(key=score_table.OPEN_ROW).set_value(as_shown("v@b.example")).run()
    assert [c.value for c in at.code] == ["nice"]
    assert not any("No post is named" in w for w in texts(at, "warning"))
