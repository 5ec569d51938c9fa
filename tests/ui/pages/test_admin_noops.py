"""AppTest: the Admin page says when a change was made already by someone else, and records nothing."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.store import users
from core.store.connect import open_database
from tests.ui.pages.test_admin_page import PAGE, accounts, admin_page, click  # noqa: F401 (admin_page: a fixture)
from tests.ui.pages.workspace import events, texts
from ui.sections.admin import users as admin_users


def test_disabling_an_account_someone_disabled_meanwhile_records_nothing(admin_page: AppTest) -> None:  # noqa: F811
    at = admin_page
    at.selectbox(key=admin_users.KEYS("pick")).set_value("ana").run()
    assert at.button(key=admin_users.KEYS("set_active")).label == "Disable"
    boss = users.user_actor(open_database(), "boss")
    users.set_active(open_database(), boss, "ana", False)  # another admin, after the page was drawn
    before = events()["action"].tolist()
    click(at, admin_users.KEYS("set_active"))
    assert not at.exception
    assert any("ana is already disabled; nothing changed" in s for s in texts(at, "info")), texts(at, "info")
    assert not any("ana is disabled" in s for s in texts(at, "success"))
    assert events()["action"].tolist() == before and not accounts()["ana"].active
