"""AppTest: the Model page trains on reviewed posts (remove = toxic, approve = harmless), as an admin, audited."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.registry import ModelRegistry
from core.store import users
from core.store.claims import find_item
from core.store.connect import open_database
from core.store.decisions import decide
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.workspace import events, queue_of, signed_in
from ui.sections.model import training as train_tab
from ui.sections.model.labelled_input import REVIEWED_SOURCE
from ui.services import training as training_service


class Trainer:
    """Fake ``train_model``: remembers the spec and writes a model directory at once."""

    def __init__(self) -> None:
        self.specs: list = []

    def __call__(self, spec, workdir: Path, progress, log, stop=None, **_) -> Path:
        self.specs.append(spec)
        out = workdir / "model"
        out.mkdir(parents=True)
        metadata = {
            "format_version": 1,
            "name": spec.name,
            "created": "2026-01-03T00:00:00+00:00",
            "labels": ["toxic", "hate"],
            "thresholds": {"toxic": 0.5, "hate": 0.5},
        }
        (out / "metadata.json").write_text(json.dumps(metadata))
        return out


@pytest.fixture
def trainer(monkeypatch: pytest.MonkeyPatch) -> Trainer:
    fake = Trainer()
    monkeypatch.setattr(training_service, "train_model", fake)
    return fake


def test_admin_trains_on_reviewed_posts_and_the_version_is_audited(
    fake_model: KeywordModel, team, trainer: Trainer
) -> None:
    queue = queue_of(6)
    db = open_database()
    rev = users.user_actor(db, "rev")
    for post, action in (("p5", "remove"), ("p4", "remove"), ("p1", "approve"), ("p0", "approve"), ("p3", "escalate")):
        decide(db, rev, find_item(db, rev, queue, post), action)
    at = signed_in("boss")
    at.switch_page("pages/model.py").run()
    at.radio(key=train_tab.KEYS("source")).set_value(REVIEWED_SOURCE).run()
    assert not at.exception
    counts = next(d.value for d in at.dataframe if "labelled" in d.value.columns).set_index("label")
    assert counts.loc["toxic", "labelled"] == 4 and counts.loc["toxic", "positive"] == 2  # escalate left out
    assert counts.loc["hate", "labelled"] == 0  # no removal named hate: nothing to learn it from
    at.button(key=train_tab.KEYS("start")).click().run()
    board = training_service.training_board()
    deadline = time.monotonic() + 30
    while board.running() is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    spec = trainer.specs[0]
    assert sorted(spec.table["toxic"].tolist()) == [0.0, 0.0, 1.0, 1.0]
    assert spec.source.startswith("reviewed posts (all queues)")
    assert [v.version for v in ModelRegistry().list()] == [0, 1]
    trained = events("model_train")
    assert trained["actor"].tolist() == ["boss"] and trained["after"].iloc[0]["version"] == 1


def test_analysts_get_no_training_form(fake_model: KeywordModel, team) -> None:
    at: AppTest = signed_in("ana")
    at.switch_page("pages/model.py").run()
    assert not any(b.key == train_tab.KEYS("start") for b in at.button)
