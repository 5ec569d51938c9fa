"""The model loader: the active model and its version, or the problem shown and the page stopped."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.errors import ModLensError
from tests.ui.conftest import TIMEOUT
from tests.ui.fake_model import KeywordModel
from ui.components import safe_text


def _page() -> None:
    import streamlit as st

    from ui.components import model_loader

    model, ref = model_loader.active_model_or_stop()
    st.write(f"{model.labels_} {len(ref.version)} {ref.title}")


def test_the_active_model_and_its_version(fake_model: KeywordModel) -> None:
    at = AppTest.from_function(_page, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["['toxic', 'hate'] 16 keyword-fake (version 0)"]


def test_a_missing_model_is_shown_and_stops_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.services.models

    def broken(model_dir: object) -> KeywordModel:
        raise ModLensError("No model at 'nowhere'. Train one.")

    monkeypatch.setattr(ui.services.models, "load_classifier", broken)
    at = AppTest.from_function(_page, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [safe_text.visible_text(e.value) for e in at.error] == ["No model at 'nowhere'. Train one."]
    assert len(at.markdown) == 0  # the page stopped
