"""AppTest: sign-in hardening as people see it: the lock after failures, password resets, OIDC e-mail checks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from core.store import users
from core.store.connect import open_database
from tests.ui.conftest import APP, OIDC, TIMEOUT
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.workspace import events, signed_in, texts
from ui.components import account
from ui.sections.signin import form


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The store's time stands still, so a lock cannot run out while a slow machine runs the test."""
    import core.store.audit
    import core.store.signin_limits

    now = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(core.store.audit, "utcnow", lambda: now)
    monkeypatch.setattr(users, "utcnow", lambda: now)
    monkeypatch.setattr(core.store.signin_limits, "utcnow", lambda: now)
    return now


def boss():
    """The admin's actor."""
    return users.user_actor(open_database(), "boss")


def signed_in_as(at: AppTest) -> list[str]:
    """The sidebar's 'Signed in as' captions."""
    return [c for c in texts(at, "caption") if "Signed in as" in c]


def change_own_password(at: AppTest, current: str, new: str) -> AppTest:
    """Fill in and submit the sidebar's password form."""
    at.text_input(key=account.KEYS("current_password")).set_value(current)
    at.text_input(key=account.KEYS("password")).set_value(new)
    at.text_input(key=account.KEYS("password_again")).set_value(new)
    next(b for b in at.button if b.label == "Change my password").click()
    return at.run()


def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(
    fake_model: KeywordModel, team, frozen_clock
) -> None:
    for i in range(users.FAILURE_LIMIT):
        at = signed_in("ana", f"guess-{i:04d}")
        assert any("Wrong user name or password" in e for e in texts(at, "error"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.text_input(key=form.KEYS("name")).set_value("ana")
    at.text_input(key=form.KEYS("password")).set_value(team["ana"])  # the right password
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    assert not at.exception and not signed_in_as(at)
    assert texts(at, "error") == [
        "Too many failed sign-ins for ana; try again in 1 minute (or ask an admin to reset the password)."
    ]
    failed = events("login_failed")
    assert len(failed) == users.FAILURE_LIMIT + 1 and failed["after"].iloc[0] == {"reason": "locked"}


def test_an_admin_password_reset_signs_out_the_open_sessions(fake_model: KeywordModel, team) -> None:
    at = signed_in("ana")
    assert signed_in_as(at)
    users.set_password(open_database(), boss(), "ana", "brand-new-password-1")
    at.switch_page("pages/score.py").run()
    assert not at.exception and at.title[0].value == "ModLens" and not signed_in_as(at)
    assert any("Your password was changed" in t for t in texts(at, "info"))
    assert signed_in_as(signed_in("ana", "brand-new-password-1"))


def test_changing_ones_own_password_asks_the_current_one_and_keeps_this_session(fake_model: KeywordModel, team) -> None:
    at = signed_in("ana")
    other = signed_in("ana")  # the same person in another tab
    change_own_password(at, "not-my-password", "attacker-chosen-pw")
    assert any("current password is wrong" in e for e in texts(at, "error"))
    assert not events("user_set_password").size
    change_own_password(at, team["ana"], "a-new-password-1")
    assert texts(at, "success") == ["Password changed."]
    at.switch_page("pages/score.py").run()
    assert not at.exception and at.title[0].value == "Score posts" and signed_in_as(at)
    other.run()
    assert not signed_in_as(other) and any("Your password was changed" in t for t in texts(other, "info"))


@pytest.mark.parametrize(
    "claims",
    [
        {"email": "admin@example.org", "email_verified": False, "sub": "attacker-123"},
        {"email": "admin@example.org", "sub": "attacker-123"},
        {"preferred_username": "admin@example.org", "sub": "attacker-456"},
        {"sub": "admin@example.org"},
    ],
)
def test_oidc_names_an_account_only_by_a_verified_email(fake_model: KeywordModel, team, claims: dict) -> None:
    users.add_user(open_database(), boss(), "admin@example.org", "admin", None)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = OIDC
    at.user = {**claims, "is_logged_in": True}
    at.run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception and at.title[0].value == "ModLens" and not signed_in_as(at)
    assert any("no verified e-mail" in e for e in texts(at, "error"))
    assert not events("login").size


def test_a_disabled_oidc_account_keeps_being_told_to_ask_for_it_to_be_enabled(fake_model: KeywordModel, team) -> None:
    users.add_user(open_database(), boss(), "carol@example.org", "reviewer", None)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = OIDC
    at.user = {"email": "carol@example.org", "email_verified": "true", "is_logged_in": True}  # some send a string
    at.run()
    assert signed_in_as(at) == ["Signed in as **carol@example.org** · reviewer"]
    users.set_active(open_database(), boss(), "carol@example.org", False)
    at.run()
    assert any("disabled" in t for t in texts(at, "info"))
    for _ in range(2):
        at.run()
        errors = texts(at, "error")
        assert not at.exception and not signed_in_as(at)
        assert any("account is disabled. Ask an admin to enable it" in e for e in errors), errors
        assert not any("no account of that name" in e for e in errors)
