"""AppTest fixtures: the dashboard with a keyword fake model injected through ``ui.resources.load_classifier``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.ui.fake_model import KeywordModel

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 20


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[KeywordModel]:
    """Every page gets this model; caches are cleared before and after."""
    import ui.resources

    model = KeywordModel()
    monkeypatch.setattr(ui.resources, "load_classifier", lambda model_dir: model)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield model
    st.cache_resource.clear()
    st.cache_data.clear()


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
