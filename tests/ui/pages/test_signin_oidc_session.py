"""AppTest: an OIDC session follows the organisation's sign-in (signed out there, or another identity)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.store import users
from core.store.connect import open_database
from tests.ui.conftest import APP, OIDC, TIMEOUT
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.workspace import texts

CAROL = {"email": "carol@example.org", "email_verified": True, "is_logged_in": True}


def signed_in_as(at: AppTest) -> list[str]:
    """The sidebar's 'Signed in as' captions."""
    return [c for c in texts(at, "caption") if "Signed in as" in c]


@pytest.mark.parametrize(
    "later",
    [
        {"is_logged_in": False},  # signed out in another tab (st.logout), or the cookie expired
        {"email": "dave@example.org", "email_verified": True, "is_logged_in": True},  # another person's sign-in
    ],
)
def test_an_oidc_session_ends_when_the_organisations_sign_in_changes(
    fake_model: KeywordModel, team, later: dict
) -> None:
    boss = users.user_actor(open_database(), "boss")
    users.add_user(open_database(), boss, "carol@example.org", "admin", None)
    users.add_user(open_database(), boss, "dave@example.org", "analyst", None)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = OIDC
    at.user = CAROL
    at.run()
    assert signed_in_as(at) == ["Signed in as **carol@example.org** · admin"]
    at.user = later
    at.run()
    assert not at.exception
    assert not any("carol" in c for c in signed_in_as(at)), signed_in_as(at)
    if later["is_logged_in"]:  # the new identity's own account, with its own role
        assert signed_in_as(at) == ["Signed in as **dave@example.org** · analyst"]
    else:
        assert at.title[0].value == "ModLens" and any("signed out" in t for t in texts(at, "info"))
    at.switch_page("pages/admin.py").run()
    assert not at.exception and at.title[0].value != "Admin"
