"""AppTest: results keep the model version that scored them; activating a version is confirmed and announced.

Two fake models, one per registry directory: version 0 (the bundled directory) is the
keyword fake ``keyword-fake``; version 1 is ``sharper`` (toxic posts score 0.04 higher,
clean posts 0.02, toxic threshold 0.6). Issue 10, items 2 and 3.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.registry import ModelRegistry
from tests.ui.conftest import APP, TIMEOUT
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.apptest import paste
from ui.components import safe_text
from ui.sections.bias import data as bias_data
from ui.sections.explain import model_used
from ui.sections.model import versions
from ui.sections.score import summary
from ui.services import session

SMALL_SPLIT = [  # a version trained on a few hundred posts: "test AUC 1.000" from 40 test posts
    {"dataset": "mine", "label": "toxic", "split": "test", "n": 40, "positives": 20, "roc_auc": 1.0},
    {"dataset": "mine", "label": "hate", "split": "test", "n": 40, "positives": 3, "roc_auc": 0.97},
]


class SharperModel(KeywordModel):
    """Toxic words count more, clean posts score lower; named ``sharper``, toxic threshold 0.6."""

    def __init__(self) -> None:
        super().__init__("sharper-dir")
        self.thresholds_ = {"toxic": 0.6, "hate": 0.5}
        self.metadata_ = {**self.metadata_, "name": "sharper", "thresholds": dict(self.thresholds_)}

    def predict_proba(self, texts):
        out = super().predict_proba(texts)
        return np.where(out > 0.2, np.minimum(out + 0.04, 0.99), 0.02).astype(np.float32)


def write_version(directory: Path, name: str = "sharper", evaluation: list | None = None) -> Path:
    directory.mkdir()
    metadata = {
        "format_version": 1,
        "name": name,
        "created": "2026-01-02T00:00:00+00:00",
        "labels": ["toxic", "hate"],
        "thresholds": {"toxic": 0.6, "hate": 0.5},
        "n_train": 320,
        "evaluation": SMALL_SPLIT if evaluation is None else evaluation,
        "headline": {"mean_test_roc_auc_toxic": 1.0, "mean_test_roc_auc_hate": 0.97},
    }
    (directory / "metadata.json").write_text(json.dumps(metadata))
    (directory / "model_card.md").write_text(f"# Model card: {name}\n")
    return directory


@pytest.fixture
def registry() -> ModelRegistry:
    return ModelRegistry()


@pytest.fixture
def two_versions(
    fake_model: KeywordModel, registry: ModelRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[int]:
    """Version 1 (``sharper``) next to version 0 (the keyword fake); version 0 stays active."""
    import ui.services.models

    number = registry.add(write_version(tmp_path / "sharper"))
    sharper, target = SharperModel(), str(registry.path_of(number).resolve())
    monkeypatch.setattr(
        ui.services.models, "load_classifier", lambda d: sharper if str(Path(d).resolve()) == target else fake_model
    )
    st.cache_resource.clear()
    yield number
    st.cache_resource.clear()


def session_on(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def texts(at: AppTest, kind: str) -> list[str]:
    return [safe_text.visible_text(e.value) for e in getattr(at, kind)]


def activate_in_new_session(version: int) -> AppTest:
    at = session_on("pages/model.py")
    at.selectbox(key=versions.KEYS("version")).set_value(version).run()
    at.button(key=versions.KEYS("activate")).click().run()
    at.button(key=versions.KEYS("confirm_activate")).click().run()
    return at


# -- item 3: activation --------------------------------------------------------------------------
def test_activation_shows_what_changes_and_asks(two_versions: int, registry: ModelRegistry) -> None:
    at = session_on("pages/model.py")
    at.selectbox(key=versions.KEYS("version")).set_value(two_versions).run()
    at.button(key=versions.KEYS("activate")).click().run()
    assert registry.active_version() == 0  # one click does not change everyone's results
    changes = [d.value for d in at.dataframe if d.value.index.name == "what changes"][-1]
    assert changes.columns.tolist() == ["v0 (active now)", "v1 (to activate)"]
    bundled = registry.list()[0]
    assert changes.loc["toxic: threshold"].tolist() == [f"{bundled.thresholds['toxic']:.3f}", "0.600"]
    assert changes.loc["toxic: test AUC (95% interval)", "v1 (to activate)"].startswith("1.000 (0.")
    assert changes.loc["toxic: test posts (positive)", "v1 (to activate)"] == "40 (20)"
    assert changes.loc["posts trained on"].tolist() == [f"{bundled.metadata.n_train:,}", "320"]
    assert any("Too few test posts to judge" in w and "version 1" in w for w in texts(at, "warning"))

    at.button(key=versions.KEYS("keep_active")).click().run()
    assert registry.active_version() == 0
    assert not any(b.key == versions.KEYS("confirm_activate") for b in at.button)
    at.button(key=versions.KEYS("activate")).click().run()
    at.button(key=versions.KEYS("confirm_activate")).click().run()
    assert registry.active_version() == two_versions
    assert any("Results already scored keep the model that scored them" in s for s in texts(at, "success"))
    assert not any("active model changed" in i for i in texts(at, "info"))  # it said so itself
    assert not at.exception


def test_versions_table_shows_test_size_interval_and_small_splits(two_versions: int) -> None:
    at = session_on("pages/model.py")
    table = [d.value for d in at.dataframe if "version" in d.value.columns][-1].set_index("version")
    assert table.loc[1, "test AUC toxic"] == pytest.approx(1.0)
    low, high = (float(x) for x in table.loc[1, "toxic 95% interval"].split("–"))
    assert high == 1.0 and low < 0.9  # 40 posts cannot make an AUC of 1.000 certain
    assert table.loc[1, "toxic test n"] == 40 and table.loc[1, "hate test positives"] == 3
    assert table.loc[1, "judge"].startswith("too small to judge: only 20 negative test post(s) for toxic")
    assert "only 3 positive test post(s) for hate" in table.loc[1, "judge"]
    assert table.loc[0, "judge"] == "ok"  # the bundled model's test splits hold thousands of posts
    assert table.loc[0, "toxic test n"] > 1000
    assert any("version 1: only 20 negative" in w or "version 1: only 3" in w for w in texts(at, "warning"))


def test_open_sessions_are_told_and_their_results_keep_their_version(two_versions: int) -> None:
    scorer = session_on("pages/score.py")
    paste(scorer, "you idiot\nhello there\n")
    assert scorer.session_state[session.RESULT].model.number == 0

    activate_in_new_session(two_versions)  # someone else, in another session
    scorer.run()
    assert any("The active model changed (now version 1)" in i for i in texts(scorer, "info"))
    result = scorer.session_state[session.RESULT]
    assert result.model.number == 0 and result.scores[0, 0] == pytest.approx(0.55)  # kept, with its version
    warning = next(w for w in texts(scorer, "warning") if "Scored by" in w)
    assert "keyword-fake (version 0)" in warning and "now sharper (version 1)" in warning
    scorer.run()
    assert not any("active model changed" in i for i in texts(scorer, "info"))  # told once

    scorer.button(key=summary.RESCORE).click().run()
    result = scorer.session_state[session.RESULT]
    assert result.model.number == 1 and result.scores[0, 0] == pytest.approx(0.59)
    assert any("Scored by sharper (version 1), the active model" in c for c in texts(scorer, "caption"))
    assert not scorer.exception


# -- item 2: every view uses the version that scored the posts ------------------------------------
def test_explain_uses_the_version_that_scored_the_post(two_versions: int) -> None:
    at = session_on("pages/score.py")
    paste(at, "hello there\nyou idiot\n")
    activate_in_new_session(two_versions)
    at.switch_page("pages/explain.py")
    at.query_params["post"] = "2"
    at.run()
    metric = next(m for m in at.metric if m.label == "toxic score")
    assert metric.value == "0.550"  # as scored by version 0, not 0.590 by the active version 1
    assert "flagged at threshold 0.500" in metric.delta  # version 0's threshold, not 0.600
    assert any("Scored by keyword-fake (version 0)" in w for w in texts(at, "warning"))
    rescore = safe_text.visible_text(at.button(key=model_used.RESCORE).label)
    assert rescore.startswith("Rescore with sharper (version 1)")

    at.button(key=model_used.RESCORE).click().run()
    metric = next(m for m in at.metric if m.label == "toxic score")
    assert metric.value == "0.590" and "not flagged at threshold 0.600" in metric.delta
    assert not at.exception


def test_a_typed_post_is_explained_with_the_active_model_and_says_so(two_versions: int) -> None:
    activate_in_new_session(two_versions)
    at = session_on("pages/explain.py")
    at.text_area(key="modlens.explain.typed").set_value("you idiot").run()
    assert next(m for m in at.metric if m.label == "toxic score").value == "0.590"
    assert any("Explained with the active model, sharper (version 1)" in c for c in texts(at, "caption"))


def test_bias_page_names_the_scoring_version_and_offers_to_rescore(two_versions: int) -> None:
    at = session_on("pages/score.py")
    paste(at, "you idiot\nmuslims are great\nI hate gay people\n")
    activate_in_new_session(two_versions)
    at.switch_page("pages/bias.py").run()
    assert at.radio(key=bias_data.SOURCE).value == bias_data.SOURCE_LAST
    assert any("Scored by keyword-fake (version 0)" in w for w in texts(at, "warning"))
    at.button(key=bias_data.RESCORE).click().run()
    assert at.session_state[session.RESULT].model.number == 1
    assert any("Scored by sharper (version 1), the active model" in c for c in texts(at, "caption"))
    assert not at.exception


def test_a_deleted_scoring_version_is_explained_and_rescoring_is_offered(
    two_versions: int, registry: ModelRegistry
) -> None:
    activate_in_new_session(two_versions)
    at = session_on("pages/score.py")
    paste(at, "you idiot\n")
    registry.activate(0)
    registry.delete(two_versions)
    at.switch_page("pages/explain.py").run()
    assert any("is no longer there (its version was deleted)" in e for e in texts(at, "error"))
    at.button(key=model_used.RESCORE).click().run()
    assert at.session_state[session.RESULT].model.number == 0
    assert not texts(at, "error") and not at.exception


def test_results_table_is_unchanged_by_activation_until_rescored(two_versions: int) -> None:
    at = session_on("pages/score.py")
    paste(at, "you idiot\nhello there\n")
    before = [d.value for d in at.dataframe if "score_toxic" in d.value.columns][-1]
    activate_in_new_session(two_versions)
    at.run()
    after = [d.value for d in at.dataframe if "score_toxic" in d.value.columns][-1]
    pd.testing.assert_frame_equal(before, after)
