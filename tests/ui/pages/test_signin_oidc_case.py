"""AppTest: an OIDC e-mail signs in to its account whatever the case the provider sends."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.store import users
from core.store.connect import open_database
from tests.ui.conftest import APP, OIDC, TIMEOUT
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.test_signin_oidc_session import signed_in_as


def test_an_oidc_e_mail_in_another_case_signs_in_to_its_account(fake_model: KeywordModel, team) -> None:
    boss = users.user_actor(open_database(), "boss")
    users.add_user(open_database(), boss, "alice@org.com", "reviewer", None)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = OIDC
    at.user = {"email": "Alice@Org.com", "email_verified": True, "is_logged_in": True}
    at.run()
    assert not at.exception
    assert signed_in_as(at) == ["Signed in as **alice@org.com** · reviewer"]
    at.run()  # the next run keeps the session (the identity is the provider's spelling)
    assert signed_in_as(at) == ["Signed in as **alice@org.com** · reviewer"]
