"""AppTest: the Model page (versions, training in the background, thresholds, comparisons).

The registry is isolated per test ($MODLENS_HOME, see ``tests/conftest.py``); versions
are copies of the session's tiny real model; scoring uses the keyword fake model.
Training uses a fake trainer (fast, controllable), except one test that trains a tiny
real model with ``core.training.pipeline.train``.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.errors import ModLensError
from core.evaluation.thresholds import threshold_for_precision
from core.model.config import preset
from core.registry import ModelRegistry
from tests.conftest import tiny_corpus
from tests.ui.conftest import APP, TIMEOUT
from tests.ui.fake_model import KeywordModel
from ui.components import safe_text, thresholds
from ui.sections.model import compare, versions
from ui.sections.model import thresholds as thresholds_tab
from ui.sections.model import training as train_tab
from ui.sections.model.labelled_input import SCORED_SOURCE
from ui.sections.score import input as score_input
from ui.services import session
from ui.services import training as training_service

PAGE = "pages/model.py"

# Keyword fake scores: 0.1 + 0.45 per toxic word -> 0.1, 0.55 or 0.95 (capped).
LABELLED = pd.DataFrame(
    {
        "body": [
            "hello there",  # 0.10, clean
            "nice day",  # 0.10, clean
            "what an idiot move, joking",  # 0.55, clean (a false positive at 0.55)
            "you idiot",  # 0.55, toxic
            "you stupid idiot",  # 0.95, toxic
            "stupid moron",  # 0.95, toxic
            "have a good one",  # 0.10, toxic (missed at any threshold above 0.10)
            "loser",  # 0.55, toxic
        ],
        "rating": ["ok", "ok", "ok", "abusive", "abusive", "abusive", "abusive", "abusive"],
        "hate": [0, 0, 0, 0, 1, 0, 1, 0],
    }
)


TABS = {"versions": versions.KEYS, "train": train_tab.KEYS, "thresholds": thresholds_tab.KEYS, "compare": compare.KEYS}
"""Key namespace of each tab's widgets."""


def key(section: str, name: str) -> str:
    keys = {
        "versions": versions.KEYS,
        "train": train_tab.KEYS,
        "thresholds": thresholds_tab.KEYS,
        "compare": compare.KEYS,
    }
    return keys[section](name)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def texts(at: AppTest, kind: str) -> list[str]:
    return [safe_text.visible_text(e.value) for e in getattr(at, kind)]


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if column in d.value.columns]
    assert tables, f"no table with column {column!r}"
    return tables[-1]


def indexed_table(at: AppTest, index_name: str) -> pd.DataFrame:
    """The table whose index is called ``index_name``."""
    tables = [d.value for d in at.dataframe if d.value.index.name == index_name]
    assert tables, f"no table indexed by {index_name!r}; tables: {[d.value.index.name for d in at.dataframe]}"
    return tables[-1]


def upload(at: AppTest, section: str, frame: pd.DataFrame, name: str = "labelled.csv") -> AppTest:
    at.file_uploader(key=key(section, "upload")).set_value((name, csv_bytes(frame), "text/csv"))
    return at.run()


def data_id(at: AppTest, section: str) -> str:
    """The data-dependent part of the column pickers' keys."""
    prefix = f"modlens.model.{section}."
    found = [s.key for s in at.selectbox if s.key and s.key.startswith(prefix) and s.key.endswith(".text")]
    assert found, "no text column picker"
    return found[0][len(prefix) : -len(".text")]


def map_labels(at: AppTest, section: str, *, text: str = "body") -> AppTest:
    """Text column ``body``; toxic = ``rating`` is ``abusive``; hate = column ``hate`` (found by name)."""
    ident = data_id(at, section)
    at.selectbox(key=f"modlens.model.{section}.{ident}.text").set_value(text).run()
    at.selectbox(key=f"modlens.model.{section}.{ident}.column.toxic").set_value("rating").run()
    at.multiselect(key=f"modlens.model.{section}.{ident}.positive.toxic").set_value(["abusive"]).run()
    return at


def wait_until(at: AppTest, done: Callable[[AppTest], bool], timeout: float = 30.0) -> AppTest:
    """Rerun the page (as its refresh does) until ``done``."""
    deadline = time.monotonic() + timeout
    while True:
        at.run()
        if done(at):
            return at
        assert time.monotonic() < deadline, f"timed out; page says {texts(at, 'markdown')[-3:]}"
        time.sleep(0.2)


def progress_texts(at: AppTest) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


@pytest.fixture
def model_page(fake_model: KeywordModel) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


@pytest.fixture
def registry() -> ModelRegistry:
    return ModelRegistry()


@pytest.fixture
def version_dir(tmp_path: Path) -> Callable[..., Path]:
    """Writes a model directory with metadata and card only: enough for the registry (the fake model scores)."""

    def write(name: str = "fake-version", toxic: float = 0.5, final_bias: float = 0.8) -> Path:
        directory = tmp_path / f"{name}-{toxic}-{final_bias}"
        directory.mkdir()
        metadata = {
            "format_version": 1,
            "name": name,
            "created": "2026-01-02T00:00:00+00:00",
            "labels": ["toxic", "hate"],
            "thresholds": {"toxic": toxic, "hate": 0.5},
            "headline": {"mean_test_roc_auc_toxic": 0.91},
            "checks": {"templated_identity": {"final_bias_metric": final_bias, "min_subgroup_auc": 0.7}},
        }
        (directory / "metadata.json").write_text(json.dumps(metadata))
        (directory / "model_card.md").write_text(f"# Model card: {name}\n")
        return directory

    return write


@dataclass(frozen=True)
class Progress:
    """Same fields as ``core.model.classifier.TrainingProgress`` (without importing TensorFlow)."""

    phase: str
    epoch: int
    epochs: int
    batch: int
    batches: int
    loss: float
    val_auc: float = math.nan


class SlowTrainer:
    """Fake ``train_model``: reports a batch every few milliseconds until cancelled (or ``epochs`` are done)."""

    def __init__(self, epochs: int = 10_000) -> None:
        self.epochs = epochs
        self.specs: list = []
        self.started = threading.Event()

    def __call__(self, spec, workdir, progress, log, stop=None, **_) -> Path:
        self.specs.append(spec)
        log("Training on 8 posts, validating on 2 (labelled).")
        self.started.set()
        for epoch in range(1, self.epochs + 1):
            for batch in (20, 40):
                time.sleep(0.005)
                phase = "batch"
                if progress(Progress(phase, epoch, self.epochs, batch, 40, 1.0 / epoch)) is False:
                    raise ModLensError("Training was cancelled.")
            if progress(Progress("epoch", epoch, self.epochs, 40, 40, 1.0 / epoch, 0.5 + epoch / 1e5)) is False:
                raise ModLensError("Training was cancelled.")


@pytest.fixture
def slow_trainer(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowTrainer]:
    trainer = SlowTrainer()
    monkeypatch.setattr(training_service, "train_model", trainer)
    yield trainer
    board = training_service.training_board()
    job = board.running()
    if job is not None:  # never leave a thread training into the next test
        job.cancel()
        board.join(job.id, timeout=10)


def start_training(at: AppTest, frame: pd.DataFrame = LABELLED) -> AppTest:
    upload(at, "train", frame)
    map_labels(at, "train")
    at.button(key=key("train", "start")).click()
    return at.run()


# -- versions --------------------------------------------------------------------------------------
def test_versions_table_activate_and_delete(
    model_page: AppTest, registry: ModelRegistry, version_dir: Callable[..., Path]
) -> None:
    at = model_page
    registry.add(version_dir("tiny-test-model"))
    registry.add(version_dir("tiny-test-model", toxic=0.4))
    at.run()
    table = table_with(at, "version")
    assert table["version"].tolist() == [0, 1, 2]
    assert table["active"].tolist() == [True, False, False]
    assert table["name"].tolist()[1:] == ["tiny-test-model", "tiny-test-model"]
    assert at.button(key=key("versions", "activate")).disabled  # version 0 is active and picked
    assert at.button(key=key("versions", "delete")).disabled  # version 0 cannot be deleted

    at.selectbox(key=key("versions", "version")).set_value(1).run()
    at.button(key=key("versions", "activate")).click().run()
    assert registry.active_version() == 0  # not yet: shows what changes and asks
    at.button(key=key("versions", "confirm_activate")).click().run()
    assert registry.active_version() == 1
    assert table_with(at, "version")["active"].tolist() == [False, True, False]
    assert any("Version 1 is now the active model" in s for s in texts(at, "success"))
    assert at.button(key=key("versions", "delete")).disabled  # the active version cannot be deleted

    at.selectbox(key=key("versions", "version")).set_value(2).run()
    at.button(key=key("versions", "delete")).click().run()
    assert [v.version for v in registry.list()] == [0, 1, 2]  # not yet: asks first
    assert any("Delete version 2" in w for w in texts(at, "warning"))
    at.button(key=key("versions", "confirm_delete")).click().run()
    assert [v.version for v in registry.list()] == [0, 1]
    assert table_with(at, "version")["version"].tolist() == [0, 1]
    assert any("Version 2 was deleted" in s for s in texts(at, "success"))
    assert not at.exception


# -- training --------------------------------------------------------------------------------------
def test_training_shows_progress_and_cancel_saves_nothing(
    model_page: AppTest, registry: ModelRegistry, slow_trainer: SlowTrainer
) -> None:
    at = start_training(model_page)
    assert slow_trainer.started.wait(10)
    wait_until(at, lambda at: any("Epoch" in t for t in progress_texts(at)))
    shown = next(t for t in progress_texts(at) if "Epoch" in t)
    assert "of 10,000" not in shown and "of 10000" in shown and "loss" in shown
    assert at.get("plotly_chart"), "the live training curves are shown"
    spec = slow_trainer.specs[0]
    assert spec.table.columns.tolist() == ["text", "toxic", "hate"]
    assert spec.table["toxic"].tolist() == [0, 0, 0, 1, 1, 1, 1, 1]  # 'abusive' mapped to toxic
    assert spec.table["hate"].tolist() == LABELLED["hate"].tolist()
    assert spec.config.epochs == preset("default").epochs and spec.name == "my-model" and spec.table_name == "labelled"

    at.button(key=key("train", "cancel")).click().run()
    job = training_service.training_board().get(at.session_state[train_tab.JOB])
    assert job is not None and job.cancel_requested
    wait_until(at, lambda at: any("Training my-model cancelled" in w for w in texts(at, "warning")))
    assert any("No version was saved" in w for w in texts(at, "warning"))
    assert job.status == training_service.CANCELLED
    assert [v.version for v in registry.list()] == [0]
    assert not any(p.key == key("train", "cancel") for p in at.button)
    assert not at.exception


def test_one_training_at_a_time(model_page: AppTest, slow_trainer: SlowTrainer) -> None:
    start_training(model_page)
    assert slow_trainer.started.wait(10)
    other = AppTest.from_file(APP, default_timeout=TIMEOUT)  # a second session of the same server
    other.run()
    other.switch_page(PAGE).run()
    assert any("A training is already running on this server (my-model" in c for c in texts(other, "caption"))
    assert any(p.key == key("train", "cancel") for p in other.button)  # anyone allowed to train may cancel it
    upload(other, "train", LABELLED)
    map_labels(other, "train")
    assert other.button(key=key("train", "start")).disabled
    board = training_service.training_board()
    with pytest.raises(training_service.TrainingBusyError, match="One training runs at a time"):
        board.start(board.running().spec, ModelRegistry())
    board.running().cancel()


def test_a_label_without_both_classes_cannot_be_trained(model_page: AppTest, slow_trainer: SlowTrainer) -> None:
    at = upload(model_page, "train", LABELLED)
    ident = data_id(at, "train")
    at.selectbox(key=f"modlens.model.train.{ident}.text").set_value("body").run()
    at.selectbox(key=f"modlens.model.train.{ident}.column.toxic").set_value("rating").run()
    at.multiselect(key=f"modlens.model.train.{ident}.positive.toxic").set_value(["ok", "abusive"]).run()
    assert any("The 'toxic' labels have no negative post" in e for e in texts(at, "error"))  # said before Start
    assert at.button(key=key("train", "start")).disabled
    assert not slow_trainer.specs


@pytest.mark.slow
def test_real_tiny_training_saves_a_version_with_metrics_and_card(model_page: AppTest, registry: ModelRegistry) -> None:
    corpus, labels = tiny_corpus(240)
    frame = pd.DataFrame({"text": corpus, "toxic": labels[:, 0], "hate": labels[:, 1]})
    at = upload(model_page, "train", frame, name="my posts <b>.csv")
    at.text_input(key=key("train", "name")).set_value("tiny ui model").run()
    at.number_input(key=key("train", "default.epochs")).set_value(1)
    at.number_input(key=key("train", "default.vocab")).set_value(200)
    at.number_input(key=key("train", "default.lstm_units")).set_value(4)
    at.number_input(key=key("train", "default.embedding_dim")).set_value(8)
    at.number_input(key=key("train", "default.sequence_length")).set_value(20)
    at.run()
    at.button(key=key("train", "start")).click().run()
    wait_until(at, lambda at: any("Saved as version 1" in s for s in texts(at, "success")), timeout=90)
    assert any("tiny-ui-model" in s for s in texts(at, "success"))
    assert [v.version for v in registry.list()] == [0, 1]
    evaluation = table_with(at, "roc_auc")
    assert set(evaluation["label"]) == {"toxic", "hate"}
    assert evaluation["dataset"].unique().tolist() == ["my-posts-b"]  # the file name, made safe for the card
    bias = table_with(at, "metric").set_index("metric")["value"]
    assert 0.0 <= bias["final bias metric"] <= 1.0
    assert any(m.value.startswith("# Model card: tiny-ui-model") for m in at.markdown)
    at.button(key=key("train", "activate")).click().run()
    at.button(key=key("train", "confirm_activate")).click().run()
    assert registry.active_version() == 1
    assert not at.exception


# -- thresholds ------------------------------------------------------------------------------------
def score_for_thresholds(at: AppTest, version: int) -> AppTest:
    at.selectbox(key=key("thresholds", "version")).set_value(version).run()
    upload(at, "thresholds", LABELLED)
    map_labels(at, "thresholds")
    at.button(key=key("thresholds", "score")).click()
    return at.run()


def test_threshold_by_target_precision_is_saved_into_the_version(
    model_page: AppTest, registry: ModelRegistry, version_dir: Callable[..., Path]
) -> None:
    registry.add(version_dir())
    at = score_for_thresholds(model_page.run(), 1)
    table = indexed_table(at, "toxic at the threshold")
    assert table.loc["threshold", "current"] == pytest.approx(registry.list()[1].thresholds["toxic"])
    # target precision 0.9: only the two 0.95 posts (both toxic) -> precision 1, recall 2/5
    at.number_input(key=key("thresholds", "target.toxic.precision")).set_value(0.9).run()
    table = indexed_table(at, "toxic at the threshold")
    assert table.loc["threshold", "chosen"] == pytest.approx(0.95)
    assert table.loc["precision", "chosen"] == pytest.approx(1.0)
    assert table.loc["recall", "chosen"] == pytest.approx(2 / 5)
    truth = (LABELLED["rating"] == "abusive").astype(float).to_numpy()
    scores = KeywordModel().predict_proba(LABELLED["body"].tolist())[:, 0]
    assert threshold_for_precision(truth, scores, 0.9).threshold == pytest.approx(0.95)
    # target precision 0.75 -> 0.55 (4 toxic of 5 flagged): more recall
    at.number_input(key=key("thresholds", "target.toxic.precision")).set_value(0.75).run()
    assert indexed_table(at, "toxic at the threshold").loc["threshold", "chosen"] == pytest.approx(0.55)
    assert len(at.get("plotly_chart")) >= 2  # precision-recall and ROC curves

    save = at.button(key=key("thresholds", "save"))
    assert "toxic 0.550" in safe_text.visible_text(save.label)
    save.click().run()
    saved = registry.list()[1].thresholds
    assert saved["toxic"] == pytest.approx(0.55)
    assert any("Saved the thresholds into version 1" in s for s in texts(at, "success"))
    assert registry.list()[0].thresholds != saved  # version 0 untouched
    assert not at.exception


def test_unreachable_target_precision_is_explained(
    model_page: AppTest, registry: ModelRegistry, version_dir: Callable[..., Path]
) -> None:
    registry.add(version_dir())
    at = score_for_thresholds(model_page.run(), 1)
    # hate: 'you stupid idiot' (0.10 for hate words) is hate, 'have a good one' too: precision never above 2/8
    at.number_input(key=key("thresholds", "target.hate.precision")).set_value(0.9).run()
    assert any("No threshold reaches precision 0.900" in e for e in texts(at, "error"))


def test_thresholds_of_version_0_are_saved_as_a_new_version(model_page: AppTest, registry: ModelRegistry) -> None:
    bundled = dict(registry.list()[0].thresholds)
    at = score_for_thresholds(model_page, 0)
    at.radio(key=key("thresholds", "method.toxic")).set_value("target recall").run()
    at.number_input(key=key("thresholds", "target.toxic.recall")).set_value(0.8).run()
    assert any("Version 0 is the bundled model and read-only" in i for i in texts(at, "info"))
    assert indexed_table(at, "toxic at the threshold").loc["threshold", "chosen"] == pytest.approx(0.55)
    at.button(key=key("thresholds", "save_new")).click().run()
    versions = registry.list()
    assert [v.version for v in versions] == [0, 1]
    assert versions[1].thresholds["toxic"] == pytest.approx(0.55)
    assert registry.active_version() == 0  # 'then activate it' is ticked by default: it asks first
    changes = indexed_table(at, "what changes")
    assert changes.loc["toxic: threshold"].tolist() == [f"{bundled['toxic']:.3f}", "0.550"]
    at.button(key=key("thresholds", "confirm_activate")).click().run()
    assert registry.active_version() == 1
    assert dict(registry.list()[0].thresholds) == bundled
    assert at.selectbox(key=key("thresholds", "version")).value == 1  # now showing the new version
    assert at.button(key=key("thresholds", "save")) is not None
    assert not at.exception


def test_activation_asked_from_thresholds_is_confirmed_on_the_versions_tab(
    model_page: AppTest, registry: ModelRegistry
) -> None:
    """The save's message (above the tabs) makes the browser reopen the first tab: the confirmation must be there."""
    at = score_for_thresholds(model_page, 0)
    at.button(key=key("thresholds", "save_new")).click().run()
    assert any("Confirm its activation below" in s for s in texts(at, "success"))
    assert at.selectbox(key=key("versions", "version")).value == 0  # the Versions tab still shows the active one
    at.button(key=key("versions", "confirm_activate")).click().run()
    assert registry.active_version() == 1
    confirms = (key("versions", "confirm_activate"), key("thresholds", "confirm_activate"))
    assert not any(b.key in confirms for b in at.button)  # one answer closes the question in both tabs
    assert not at.exception


def test_last_scored_upload_is_a_source(model_page: AppTest) -> None:
    at = model_page
    at.switch_page("pages/score.py").run()
    at.file_uploader(key=score_input.UPLOAD).set_value(
        ("scored.csv", csv_bytes(LABELLED.rename(columns={"body": "text"})), "text/csv")
    )
    at.run()
    at.switch_page(PAGE).run()
    at.radio(key=key("thresholds", "source")).set_value(SCORED_SOURCE).run()
    counts = table_with(at, "labelled").set_index("label")
    assert counts.loc["hate", "labelled"] == 8 and counts.loc["hate", "positive"] == 2  # 'hate' column found


# -- comparison ------------------------------------------------------------------------------------
class SharperModel(KeywordModel):
    """A second fake: every toxic word adds more, and a clean post scores lower."""

    def predict_proba(self, texts):
        out = super().predict_proba(texts)
        return np.where(out > 0.2, np.minimum(out + 0.04, 0.99), 0.02).astype(np.float32)


def test_compare_two_versions(
    model_page: AppTest, registry: ModelRegistry, version_dir: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.services.models

    first = registry.add(version_dir("first", toxic=0.5, final_bias=0.81))
    second = registry.add(version_dir("second", toxic=0.6, final_bias=0.87))
    sharper = str(registry.path_of(second).resolve())
    monkeypatch.setattr(
        ui.services.models,
        "load_classifier",
        lambda d: SharperModel() if str(Path(d).resolve()) == sharper else KeywordModel(),
    )
    at = model_page.run()
    at.selectbox(key=key("compare", "version_a")).set_value(first).run()
    at.selectbox(key=key("compare", "version_b")).set_value(second).run()
    upload(at, "compare", LABELLED)
    map_labels(at, "compare")
    at.button(key=key("compare", "run")).click().run()
    metrics = indexed_table(at, "toxic metric")
    assert metrics.columns.tolist() == ["v1", "v2"]
    assert metrics.loc["threshold", "v2"] == pytest.approx(0.6)
    assert metrics.loc["n", "v1"] == 8
    # v1 at its own threshold flags 0.55 and 0.95 posts: 5 flagged; v2 at 0.6 flags its 0.59 and 0.99 posts
    assert metrics.loc["flagged", "v1"] == 5 and metrics.loc["flagged", "v2"] == 2
    assert not math.isnan(metrics.loc["roc_auc", "v2"])
    assert len(at.get("plotly_chart")) >= 2  # ROC and precision-recall of toxic
    templated = indexed_table(at, "metric")
    assert templated.columns.tolist() == ["v1", "v2"]
    assert templated.loc["final bias metric"].tolist() == pytest.approx([0.81, 0.87])
    assert math.isnan(templated.loc["lowest term AUC", "v1"])  # not in this version's metadata
    assert not at.exception


def test_compare_needs_two_versions(model_page: AppTest) -> None:
    assert any("Only one version exists" in i for i in texts(model_page, "info"))


def test_saved_thresholds_become_the_score_page_defaults(
    model_page: AppTest, registry: ModelRegistry, version_dir: Callable[..., Path]
) -> None:
    registry.add(version_dir("keyword-fake"), activate=True)  # the model that scores (same name as the fake's)
    at = model_page
    at.switch_page("pages/score.py").run()
    at.file_uploader(key=score_input.UPLOAD).set_value(
        ("posts.csv", csv_bytes(LABELLED.rename(columns={"body": "text"})), "text/csv")
    )
    at.run()
    at.slider(key=thresholds.slider_key("toxic")).set_value(0.3).run()  # a session choice, then a new default
    at.switch_page(PAGE).run()
    score_for_thresholds(at, 1)
    at.number_input(key=key("thresholds", "target.toxic.precision")).set_value(0.75).run()
    at.button(key=key("thresholds", "save")).click().run()
    assert registry.list()[1].thresholds["toxic"] == pytest.approx(0.55)
    assert at.session_state[session.RESULT].model_thresholds["toxic"] == pytest.approx(0.55)
    at.switch_page("pages/score.py").run()
    assert at.slider(key=thresholds.slider_key("toxic")).value == pytest.approx(0.55)
    assert not at.exception


def test_a_damaged_version_says_why_and_can_be_deleted(
    model_page: AppTest, registry: ModelRegistry, version_dir: Callable[..., Path]
) -> None:
    at = model_page
    registry.add(version_dir("fine"))
    damaged = registry.path_of(registry.add(version_dir("soon-damaged")))
    (damaged / "metadata.json").write_text('{"format_version": 1, "labels": ["toxic"], "thresholds": "high"}')
    at.run()
    table = table_with(at, "problem")
    assert table["problem"].tolist()[:2] == ["", ""]
    assert "thresholds" in table["problem"].iloc[2]  # what is wrong with version 2's metadata.json
    at.selectbox(key=key("versions", "version")).set_value(2).run()
    shown = " ".join(texts(at, "error"))
    assert "Version 2 cannot be used" in shown and "delete it" in shown
    assert at.button(key=key("versions", "activate")).disabled
    at.button(key=key("versions", "delete")).click().run()
    at.button(key=key("versions", "confirm_delete")).click().run()
    assert [v.version for v in registry.list()] == [0, 1]
    assert not at.exception
