"""AppTest: sign-in, demo mode and what each role may open (navigation, refusals by URL, audited sign-ins)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.store import users
from core.store.connect import open_database
from tests.ui.conftest import APP, OIDC, TIMEOUT
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.workspace import buttons, events, queue_of, signed_in, texts
from ui import shell
from ui.components import account
from ui.sections.admin import users as admin_users
from ui.sections.model import versions
from ui.sections.signin import form


@pytest.fixture
def menus(monkeypatch: pytest.MonkeyPatch) -> list[list[tuple[str, str]]]:
    """``(url path, visibility)`` of the pages of every ``st.navigation`` call, in order."""
    import streamlit

    calls: list[list[tuple[str, str]]] = []
    original = streamlit.navigation

    def recording(pages, **options):
        calls.append([(page.url_path, page.visibility) for page in pages])
        return original(pages, **options)

    monkeypatch.setattr(streamlit, "navigation", recording)
    return calls


def visible_pages(menus: list[list[tuple[str, str]]]) -> list[str]:
    """URL paths of the pages the last menu lists."""
    return [path for path, visibility in menus[-1] if visibility == "visible"]


def test_fresh_checkout_runs_in_demo_mode_until_the_first_admin_exists(app: AppTest) -> None:
    assert not app.exception
    banner = " ".join(texts(app, "warning"))
    assert "Demo mode" in banner and "python -m core users add NAME --role admin" in banner
    app.switch_page("pages/admin.py").run()
    assert not app.exception and app.title[0].value == "Admin"
    app.text_input(key=admin_users.KEYS("new_name")).set_value("boss")
    app.text_input(key=admin_users.KEYS("new_password")).set_value("a long secret")
    app.text_input(key=admin_users.KEYS("new_again")).set_value("a long secret")
    next(b for b in app.button if b.label == "Create the account").click()
    app.run()
    assert not app.exception
    assert app.title[0].value == "ModLens"  # the sign-in page: demo mode is over for everyone
    assert any("demo mode is over" in t.lower() for t in texts(app, "info"))
    assert [u.name for u in users.list_users(open_database(), users.user_actor(open_database(), "boss"))] == ["boss"]
    assert events("user_add")["actor"].tolist() == ["local-admin"]


def test_wrong_password_is_refused_and_audited_then_sign_in_and_out(fake_model: KeywordModel, team) -> None:
    at = signed_in("ana", "not her password")
    assert any("Wrong user name or password" in e for e in texts(at, "error"))
    assert at.title[0].value == "ModLens"
    at.text_input(key=form.KEYS("password")).set_value(team["ana"])
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    assert not at.exception
    assert any("Signed in as" in c and "ana" in c for c in texts(at, "caption"))
    assert not any("Demo mode" in w for w in texts(at, "warning"))
    at.button(key=account.KEYS("sign_out")).click()
    at.run()
    assert at.title[0].value == "ModLens" and "Sign in" in buttons(at)
    log = events()
    assert log["action"].tolist()[:3] == ["logout", "login", "login_failed"]
    assert log["actor"].tolist()[:3] == ["ana", "ana", "anonymous"]


@pytest.mark.parametrize(
    ("name", "shown", "hidden"),
    [
        ("ana", ["", "score", "explain", "bias", "model"], ["review", "admin"]),
        ("rev", ["", "score", "explain", "bias", "review", "model"], ["admin"]),
        ("boss", ["", "score", "explain", "bias", "review", "model", "admin"], []),
    ],
)
def test_navigation_is_built_per_role(fake_model: KeywordModel, team, menus, name: str, shown, hidden) -> None:
    at = signed_in(name)
    assert not at.exception
    assert visible_pages(menus) == shown
    assert [path for path, visibility in menus[-1] if visibility == "hidden"] == hidden  # refused by URL (below)
    assert all(shell.PAGE_PERMISSIONS[f"pages/{page}.py"] is not None for page in hidden)


def test_an_analyst_opening_review_or_admin_by_url_is_refused(fake_model: KeywordModel, team) -> None:
    queue_of()
    at = signed_in("ana")
    at.switch_page("pages/review.py").run()
    assert not at.exception
    assert at.title[0].value == "Not available"
    refusal = " ".join(texts(at, "error"))
    assert "ana is an analyst" in refusal and "reviewer or admin role" in refusal
    assert not {"Approve", "Remove", "Escalate", "Skip"} & set(buttons(at))
    at.switch_page("pages/admin.py").run()
    assert at.title[0].value == "Not available" and "managing users needs the admin role" in " ".join(
        texts(at, "error")
    )
    assert [d for d in at.dataframe] == []  # no accounts, no audit log


def test_a_reviewer_is_refused_the_admin_page_and_model_changes(fake_model: KeywordModel, team) -> None:
    at = signed_in("rev")
    at.switch_page("pages/admin.py").run()
    assert at.title[0].value == "Not available"
    at.switch_page("pages/model.py").run()
    assert not at.exception and at.title[0].value == "Model"
    assert at.button(key=versions.KEYS("activate")).disabled
    assert versions.ADMINS_ONLY in texts(at, "caption")
    assert versions.ADMINS_ONLY in texts(at, "info")  # the Train tab


def test_a_disabled_account_is_signed_out_on_its_next_click(fake_model: KeywordModel, team) -> None:
    at = signed_in("rev")
    boss = users.user_actor(open_database(), "boss")
    users.set_active(open_database(), boss, "rev", False)
    at.switch_page("pages/score.py").run()
    assert not at.exception
    assert at.title[0].value == "ModLens"
    assert any("disabled" in t for t in texts(at, "info"))


def test_a_role_change_takes_effect_without_signing_in_again(fake_model: KeywordModel, team, menus) -> None:
    queue_of()
    at = signed_in("ana")
    assert "review" not in visible_pages(menus)
    at.switch_page("pages/review.py").run()
    assert at.title[0].value == "Not available"
    users.set_role(open_database(), users.user_actor(open_database(), "boss"), "ana", "reviewer")
    at.run()
    assert not at.exception and at.title[0].value == "Review" and "Approve" in buttons(at)


def test_signed_out_sessions_get_the_sign_in_page_and_deep_links_sign_in_first(
    fake_model: KeywordModel, team, menus
) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert [path for path, visibility in menus[-1] if visibility == "visible"] == [""]
    at.switch_page("pages/score.py").run()  # /score opened by URL while signed out
    assert at.title[0].value == "ModLens" and "Sign in" in buttons(at)
    at.text_input(key=form.KEYS("name")).set_value("ana")
    at.text_input(key=form.KEYS("password")).set_value(team["ana"])
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    assert not at.exception and at.title[0].value == "Score posts"  # the page asked for, once signed in


def test_oidc_sign_in_takes_the_role_from_the_users_table(fake_model: KeywordModel, team) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = OIDC
    at.run()
    assert "Sign in with your organisation's account" in buttons(at)
    at.user = {"email": "carol@example.org", "email_verified": True, "is_logged_in": True}  # no account yet
    at.run()
    assert any("no account of that name" in e and "carol@example.org" in e for e in texts(at, "error"))
    boss = users.user_actor(open_database(), "boss")
    users.add_user(open_database(), boss, "carol@example.org", "reviewer", None)
    at.run()
    assert not at.exception
    assert any("Signed in as carol@example.org (reviewer)" in s for s in texts(at, "success"))
    login = events("login").iloc[0]
    assert login["actor"] == "carol@example.org" and login["after"] == {"method": "oidc"}
