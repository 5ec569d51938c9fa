"""AppTest fixtures: the dashboard with a keyword fake model injected through ``ui.services.models.load_classifier``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.ui.fake_model import KeywordModel

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
M = TypeVar("M")
TIMEOUT = float(os.environ.get("MODLENS_APPTEST_TIMEOUT", "60"))
"""Seconds one AppTest run may take: generous, because the machine may be busy (a hung run still fails)."""


def serve(model: M, monkeypatch: pytest.MonkeyPatch) -> Iterator[M]:
    """Every page scores with ``model`` (the seam ``ui.services.models.load_classifier``); caches cleared around."""
    import ui.services.models

    monkeypatch.setattr(ui.services.models, "load_classifier", lambda model_dir: model)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield model
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[KeywordModel]:
    """Every page gets the keyword fake model."""
    yield from serve(KeywordModel(), monkeypatch)


@pytest.fixture
def app(fake_model: KeywordModel) -> AppTest:
    """The app on its home page, run once."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    return at


@pytest.fixture
def score_page(app: AppTest) -> AppTest:
    """The app on the Score page."""
    app.switch_page("pages/score.py").run()
    return app


PASSWORDS = {"boss": "boss-password", "rev": "rev-password", "rev2": "rev2-password", "ana": "ana-password"}
"""The accounts of :func:`team` and their passwords."""
OIDC = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "not-a-secret",
    "client_id": "modlens",
    "client_secret": "not-a-secret",
    "server_metadata_url": "https://sso.example.org/.well-known/openid-configuration",
}
"""An OIDC provider's ``[auth]`` section of ``.streamlit/secrets.toml`` (AppTest: ``at.secrets["auth"] = OIDC``)."""


@pytest.fixture
def team(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Accounts in the test's database ($MODLENS_HOME): boss (admin), rev and rev2 (reviewers), ana (analyst).

    Demo mode is over for the app. Passwords are hashed with small costs (the machine is shared).
    """
    from argon2 import PasswordHasher

    from core.store import passwords, users
    from core.store.connect import open_database
    from core.store.roles import operator_actor

    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: fast)
    db = open_database()
    for name, role in (("boss", "admin"), ("rev", "reviewer"), ("rev2", "reviewer"), ("ana", "analyst")):
        users.add_user(db, operator_actor(), name, role, PASSWORDS[name])
    return dict(PASSWORDS)
