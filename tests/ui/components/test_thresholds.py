"""Threshold sliders: start at the chosen thresholds (the model's when none), remember, reset."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import TIMEOUT
from ui.components import thresholds


def _sliders() -> None:
    import numpy as np

    from tests.ui.fake_model import KeywordModel
    from ui.components import thresholds
    from ui.services import inputs, scoring

    model = KeywordModel()
    posts = inputs.pasted_posts("you idiot\nhello")
    result = scoring.scored_posts(model, posts, np.asarray(model.predict_proba(posts.texts)))
    thresholds.score_sliders(result)


def test_sliders_start_at_the_model_threshold_and_remember_moves() -> None:
    at = AppTest.from_function(_sliders, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.slider(key=thresholds.slider_key("toxic")).value == 0.5
    assert at.slider(key=thresholds.slider_key("toxic")).label == "toxic threshold"
    at.slider(key=thresholds.slider_key("toxic")).set_value(0.2).run()
    assert at.session_state[thresholds.CHOSEN] == {"toxic": 0.2, "hate": 0.5}
    next(b for b in at.button if b.label == "Reset").click().run()
    assert at.slider(key=thresholds.slider_key("toxic")).value == 0.5
    assert at.session_state[thresholds.CHOSEN] == {"toxic": 0.5, "hate": 0.5}


def _chosen() -> None:
    import streamlit as st

    from ui.components import thresholds

    st.write(thresholds.chosen(["toxic", "hate"], {"toxic": 0.5, "hate": 0.4}))
    thresholds.remember({"toxic": 0.3})
    st.write(thresholds.chosen(["toxic", "hate"], {"toxic": 0.5, "hate": 0.4}))


def test_chosen_falls_back_to_the_models_thresholds() -> None:
    at = AppTest.from_function(_chosen, default_timeout=TIMEOUT).run()
    assert not at.exception
    shown = [m.value for m in at.get("json")] or [m.value for m in at.markdown]
    assert len(shown) == 2
    assert '"toxic":0.5' in shown[0].replace(" ", "") and '"hate":0.4' in shown[0].replace(" ", "")
    assert '"toxic":0.3' in shown[1].replace(" ", "") and '"hate":0.4' in shown[1].replace(" ", "")
