"""Scoring with progress: the scored posts, or one message (a model failure is not retried)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import TIMEOUT


def _score() -> None:
    import streamlit as st

    from tests.ui.fake_model import KeywordModel
    from ui.components.scoring_progress import score_with_progress
    from ui.services import inputs

    class Broken(KeywordModel):
        def predict_proba(self, texts):
            raise RuntimeError("tensor shapes")

    messages: list[str] = []
    good = score_with_progress(KeywordModel(), inputs.pasted_posts("you idiot\nhello"), on_error=messages.append)
    st.write(f"{good.model_name}: {good.scores.shape}")
    broken = score_with_progress(Broken("broken"), inputs.pasted_posts("another text"), on_error=messages.append)
    st.write(f"{broken} {messages}")


def test_scores_or_a_message() -> None:
    at = AppTest.from_function(_score, default_timeout=TIMEOUT).run()
    assert not at.exception
    shown = [m.value for m in at.markdown]
    assert shown[0] == "keyword-fake: (2, 2)"
    assert shown[1].startswith("None ['Scoring failed on 1 posts (RuntimeError: tensor shapes). Try again;")
    assert len(at.get("progress")) == 0  # the bars are gone once done
