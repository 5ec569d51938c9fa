"""AppTest: demo mode's "Create the first admin account" shows why it failed, and never locks everyone out.

Without an OIDC provider a password-less first admin could never sign in, and creating it
ends demo mode for everyone: the form does not offer it and the service refuses it.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.errors import ModLensError
from core.store import users
from core.store.connect import open_database
from core.store.roles import Role
from tests.ui.conftest import APP, TIMEOUT
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.workspace import texts
from ui.sections.admin import users as admin_users
from ui.services import admin

OIDC = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "client_id": "x", "client_secret": "y"}}
"""Secrets with one (unnamed) OIDC provider."""


def demo_admin_page(secrets: dict[str, object] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if secrets:
        at.secrets.update(secrets)
    at.run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception and at.title[0].value == "Admin"
    assert any(b.label == "Create the account" for b in at.button), "not the first-admin form"
    return at


def create(at: AppTest, name: str, password: str | None) -> AppTest:
    at.text_input(key=admin_users.KEYS("new_name")).set_value(name)
    if password is None:
        at.checkbox(key=admin_users.KEYS("oidc")).check()
    else:
        at.text_input(key=admin_users.KEYS("new_password")).set_value(password)
        at.text_input(key=admin_users.KEYS("new_again")).set_value(password)
    next(b for b in at.button if b.label == "Create the account").click()
    return at.run()


def has_accounts() -> bool:
    return users.has_users(open_database())


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [("bad name!", "a long secret", "not a valid user name"), ("boss", "short", "too short")],
)
def test_a_refused_first_admin_says_why(fake_model: KeywordModel, name: str, password: str, message: str) -> None:
    at = create(demo_admin_page(), name, password)
    assert not at.exception and at.title[0].value == "Admin"
    assert any(message in e for e in texts(at, "error")), texts(at, "error")
    assert not has_accounts()


def test_the_first_admin_needs_a_password_unless_oidc_is_configured(fake_model: KeywordModel) -> None:
    at = demo_admin_page()
    assert not [c for c in at.checkbox if c.key == admin_users.KEYS("oidc")], "'No password' offered without OIDC"
    at = create(at, "boss", "")
    assert any("Type the same password twice" in e for e in texts(at, "error"))
    with pytest.raises(ModLensError, match="needs a password"):
        admin.add_user("boss", Role.ADMIN, None)  # the service refuses it too (the test's session is in demo mode)
    assert not has_accounts()
    create(demo_admin_page(OIDC), "boss@example.org", None)  # with a provider, it signs in through OIDC
    [boss] = users.list_users(open_database(), users.user_actor(open_database(), "boss@example.org"))
    assert boss.role is Role.ADMIN and not boss.has_password
