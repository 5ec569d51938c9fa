"""AppTest: the Admin page: accounts (add, role, disable, reset password, last admin kept), reason codes, audit log."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.store import users
from core.store.connect import open_database
from core.store.reasons import list_reasons
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.workspace import events, signed_in, texts
from ui.sections.admin import audit, reasons
from ui.sections.admin import users as admin_users
from ui.services import admin, auth

PAGE = "pages/admin.py"


@pytest.fixture
def admin_page(fake_model: KeywordModel, team) -> AppTest:
    at = signed_in("boss")
    at.switch_page(PAGE).run()
    assert not at.exception and at.title[0].value == "Admin"
    return at


def accounts() -> dict[str, users.UserInfo]:
    return {u.name: u for u in users.list_users(open_database(), users.user_actor(open_database(), "boss"))}


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return at.run()


def test_add_an_account_with_a_password_and_one_for_oidc(admin_page: AppTest) -> None:
    at = admin_page
    table = next(d.value for d in at.dataframe if "role" in d.value.columns)
    assert table["name"].tolist() == ["ana", "boss", "rev", "rev2"] and "password_hash" not in table.columns
    at.text_input(key=admin_users.KEYS("new_name")).set_value("cara")
    at.selectbox(key=admin_users.KEYS("new_role")).set_value("reviewer")
    at.text_input(key=admin_users.KEYS("new_password")).set_value("cara-secret")
    at.text_input(key=admin_users.KEYS("new_again")).set_value("cara-secret")
    next(b for b in at.button if b.label == "Create the account").click()
    at.run()
    assert any("Account 'cara' (reviewer) created" in s for s in texts(at, "success"))
    assert accounts()["cara"].role.value == "reviewer" and accounts()["cara"].has_password
    assert users.authenticate(open_database(), "cara", "cara-secret").name == "cara"
    at.text_input(key=admin_users.KEYS("new_name")).set_value("dana@example.org")
    at.checkbox(key=admin_users.KEYS("oidc")).check()
    next(b for b in at.button if b.label == "Create the account").click()
    at.run()
    assert not accounts()["dana@example.org"].has_password
    assert any("No OIDC provider is configured yet, so it cannot sign in" in s for s in texts(at, "success"))
    assert events("user_add")["actor"].tolist()[:2] == ["boss", "boss"]


def test_mismatched_passwords_create_nothing_and_keep_the_form(admin_page: AppTest) -> None:
    at = admin_page
    at.text_input(key=admin_users.KEYS("new_name")).set_value("eve")
    at.selectbox(key=admin_users.KEYS("new_role")).set_value("reviewer")
    at.text_input(key=admin_users.KEYS("new_password")).set_value("one")
    at.text_input(key=admin_users.KEYS("new_again")).set_value("two")
    next(b for b in at.button if b.label == "Create the account").click()
    at.run()
    assert any("Type the same password twice" in e for e in texts(at, "error"))
    assert "eve" not in accounts()
    assert at.text_input(key=admin_users.KEYS("new_name")).value == "eve"  # only the passwords need typing again
    assert at.selectbox(key=admin_users.KEYS("new_role")).value == "reviewer"


def test_a_refused_name_stays_in_the_form_and_a_created_account_empties_it(admin_page: AppTest) -> None:
    at = admin_page
    for name in ("ANA", "fay"):  # names are unique whatever their case
        at.text_input(key=admin_users.KEYS("new_name")).set_value(name)
        at.text_input(key=admin_users.KEYS("new_password")).set_value("a long secret")
        at.text_input(key=admin_users.KEYS("new_again")).set_value("a long secret")
        next(b for b in at.button if b.label == "Create the account").click()
        at.run()
        assert not at.exception
        if name == "ANA":
            assert texts(at, "error") and at.text_input(key=admin_users.KEYS("new_name")).value == "ANA"
    assert "fay" in accounts() and "ANA" not in accounts()
    assert at.text_input(key=admin_users.KEYS("new_name")).value == ""
    assert at.text_input(key=admin_users.KEYS("new_password")).value == ""


def test_demoting_or_disabling_ones_own_account_asks_first(admin_page: AppTest) -> None:
    at = admin_page
    users.set_role(open_database(), users.user_actor(open_database(), "boss"), "ana", "admin")  # boss is not the last
    at.run()
    at.selectbox(key=admin_users.KEYS("pick")).set_value("boss").run()
    at.selectbox(key=admin_users.KEYS("role", "boss")).set_value("analyst").run()
    assert at.button(key=admin_users.KEYS("set_role")).disabled
    assert at.button(key=admin_users.KEYS("set_active")).disabled
    at.selectbox(key=admin_users.KEYS("pick")).set_value("ana").run()  # another account: no question
    assert not [c for c in at.checkbox if c.key == admin_users.KEYS("own", "ana")]
    assert not at.button(key=admin_users.KEYS("set_active")).disabled
    at.selectbox(key=admin_users.KEYS("pick")).set_value("boss").run()
    at.selectbox(key=admin_users.KEYS("role", "boss")).set_value("analyst").run()
    at.checkbox(key=admin_users.KEYS("own", "boss")).check().run()
    click(at, admin_users.KEYS("set_role"))
    assert users.user_actor(open_database(), "boss").role.value == "analyst"
    assert not at.exception and not [b for b in at.button if b.key == admin_users.KEYS("set_role")]  # page gone


def test_role_change_disable_and_password_reset(admin_page: AppTest) -> None:
    at = admin_page
    at.selectbox(key=admin_users.KEYS("pick")).set_value("ana").run()
    at.selectbox(key=admin_users.KEYS("role", "ana")).set_value("reviewer").run()
    click(at, admin_users.KEYS("set_role"))
    assert accounts()["ana"].role.value == "reviewer"
    click(at, admin_users.KEYS("set_active"))
    assert not accounts()["ana"].active
    assert any("ana is disabled" in s for s in texts(at, "success"))
    at.text_input(key=admin_users.KEYS("password")).set_value("new-pass")
    at.text_input(key=admin_users.KEYS("password_again")).set_value("new-pass")
    next(b for b in at.button if b.label == "Reset the password").click()
    at.run()
    assert any("The password of ana was reset" in s for s in texts(at, "success"))
    click(at, admin_users.KEYS("set_active"))
    assert users.authenticate(open_database(), "ana", "new-pass").role.value == "reviewer"
    assert events()["action"].tolist()[:5] == [
        "login",
        "user_enable",
        "user_set_password",
        "user_disable",
        "user_set_role",
    ]


def test_the_last_admin_cannot_be_demoted_or_disabled(admin_page: AppTest) -> None:
    at = admin_page
    at.selectbox(key=admin_users.KEYS("pick")).set_value("boss").run()
    at.selectbox(key=admin_users.KEYS("role", "boss")).set_value("analyst").run()
    at.checkbox(key=admin_users.KEYS("own", "boss")).check().run()
    click(at, admin_users.KEYS("set_role"))
    assert any("'boss' is the last active admin" in e for e in texts(at, "error"))
    click(at, admin_users.KEYS("set_active"))
    assert any("'boss' is the last active admin" in e for e in texts(at, "error"))
    assert accounts()["boss"].active and accounts()["boss"].role.value == "admin"


def test_reason_codes_add_and_retire(admin_page: AppTest) -> None:
    at = admin_page
    at.text_input(key=reasons.KEYS("code")).set_value("doxxing")
    at.text_input(key=reasons.KEYS("label")).set_value("Shares personal data")
    at.multiselect(key=reasons.KEYS("actions")).set_value(["remove", "escalate"])
    next(b for b in at.button if b.label == "Add the reason").click()
    at.run()
    assert not at.exception
    assert {r.code: r.actions for r in list_reasons(open_database())}["doxxing"] == ("remove", "escalate")
    assert any("doxxing" in s.value and "added" in s.value for s in at.success)  # said after the rerun
    at.selectbox(key=reasons.KEYS("pick")).set_value("spam").run()
    click(at, reasons.KEYS("toggle"))
    assert "spam" not in {r.code for r in list_reasons(open_database())}
    assert "spam" in {r.code for r in list_reasons(open_database(), include_inactive=True)}


def test_audit_log_filters_and_exports(admin_page: AppTest, team) -> None:
    signed_in("ana", "wrong")  # a failed sign-in
    at = admin_page
    at.run()
    table = next(d.value for d in at.dataframe if "entity_type" in d.value.columns)
    assert {"login", "login_failed"} <= set(table["action"])
    at.selectbox(key=audit.KEYS("action")).set_value("login_failed").run()
    table = next(d.value for d in at.dataframe if "entity_type" in d.value.columns)
    assert table["action"].tolist() == ["login_failed"] and table["entity_id"].tolist() == ["ana"]
    at.text_input(key=audit.KEYS("actor")).set_value("boss").run()
    assert next(d.value for d in at.dataframe if "entity_type" in d.value.columns).empty
    auth.sign_in("boss", team["boss"])  # the export runs as the session's actor (here: the test's)
    exported = pd.read_csv(io.BytesIO(admin.export_events(audit.AuditFilter(action="login"), ".csv")))
    assert set(exported["actor"]) == {"boss"} and set(exported["action"]) == {"login"}
    assert not any(b.label == "Delete" for b in at.button)  # read-only


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The server's clock in a time zone whose date differs from UTC's now (12 h west, or 14 h east)."""
    zone = "Etc/GMT+12" if datetime.now(UTC).hour < 12 else "Etc/GMT-14"
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    assert date.today() != datetime.now(UTC).date()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_audit_log_days_are_utc_days_whatever_the_server_zone(far_from_utc: None, admin_page: AppTest) -> None:
    at = admin_page
    picker = at.date_input(key=audit.KEYS("days"))
    today = datetime.now(UTC).date()
    assert picker.value == (today - timedelta(days=6), today) and "UTC" in picker.label
    table = next(d.value for d in at.dataframe if "entity_type" in d.value.columns)
    assert "login" in set(table["action"])  # boss's sign-in a moment ago is in today's events
