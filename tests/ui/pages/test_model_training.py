"""AppTest: training from the Model page never ends in "see the server log", trains toxic-only files, and
belongs to the server (a reloaded tab sees and cancels it). Issue 10, items 1 and 9."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.registry import ModelRegistry
from tests.conftest import tiny_corpus
from tests.ui.conftest import APP, TIMEOUT
from tests.ui.pages.apptest import paste, results_table
from tests.ui.pages.test_model_page import (
    LABELLED,
    PAGE,
    Progress,
    SlowTrainer,
    data_id,
    key,
    model_page,  # noqa: F401  (fixture)
    slow_trainer,  # noqa: F401  (fixture)
    start_training,
    texts,
    upload,
    wait_until,
)
from ui.components import safe_text
from ui.sections.model import training as train_tab
from ui.services import models
from ui.services import training as training_service
from ui.services.labelled import NO_COLUMN

REAL_LOAD = models.load_classifier
"""The real loader, saved before the fixtures put the fake model in its place."""


# -- item 1: what failed and what to do ------------------------------------------------------------
def test_a_crashed_training_says_where_what_and_what_to_try(
    model_page: AppTest,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def crashes(spec, workdir, progress, log, stop=None, **_):
        progress(Progress("epoch", 1, 6, 40, 40, 0.7, 0.8))
        progress(Progress("batch", 2, 6, 20, 40, 0.6))
        raise training_service.TrainingCrashError("ValueError: math domain error")

    monkeypatch.setattr(training_service, "train_model", crashes)
    at = start_training(model_page)
    wait_until(at, lambda at: any(e.startswith("Training failed") for e in texts(at, "error")))
    shown = next(e for e in texts(at, "error") if e.startswith("Training failed"))
    assert shown.startswith("Training failed during epoch 2 of 6 (ValueError: math domain error). Try again;")
    assert "fewer posts" in shown and not shown.endswith("The server log has the details.")
    assert not at.exception


def test_a_label_column_with_one_class_offers_to_leave_the_label_out(
    model_page: AppTest,  # noqa: F811
    slow_trainer: SlowTrainer,  # noqa: F811
) -> None:
    frame = LABELLED.assign(hate=0)  # an all-zero hate column, found by name
    at = upload(model_page, "train", frame)
    ident = data_id(at, "train")
    at.selectbox(key=f"modlens.model.train.{ident}.text").set_value("body").run()
    at.selectbox(key=f"modlens.model.train.{ident}.column.toxic").set_value("rating").run()
    at.multiselect(key=f"modlens.model.train.{ident}.positive.toxic").set_value(["abusive"]).run()
    assert any("The 'hate' labels have no positive post" in e for e in texts(at, "error"))  # before Start
    assert at.button(key=key("train", "start")).disabled
    leave_out = at.button(key=key("train", "leave_out"))
    assert safe_text.visible_text(leave_out.label) == "Leave hate out: train toxic only"
    leave_out.click().run()
    assert at.selectbox(key=f"modlens.model.train.{ident}.column.hate").value == NO_COLUMN
    assert not texts(at, "error")
    at.button(key=key("train", "start")).click().run()
    assert slow_trainer.started.wait(10)
    assert np.isnan(slow_trainer.specs[0].table["hate"]).all()  # unknown for every post: masked in training
    training_service.training_board().running().cancel()


@pytest.mark.slow
def test_a_file_with_only_a_toxic_label_trains_and_scores(
    model_page: AppTest,  # noqa: F811
    registry: ModelRegistry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus, labels = tiny_corpus(400)  # balanced toxic labels; no hate column at all
    at = upload(model_page, "train", pd.DataFrame({"text": corpus, "toxic": labels[:, 0]}), name="toxic.csv")
    assert at.selectbox(key=f"modlens.model.train.{data_id(at, 'train')}.column.hate").value == NO_COLUMN
    for name, value in (("epochs", 1), ("vocab", 200), ("lstm_units", 4), ("embedding_dim", 8)):
        at.number_input(key=key("train", f"default.{name}")).set_value(value)
    at.number_input(key=key("train", "default.sequence_length")).set_value(20)
    at.run()
    at.button(key=key("train", "start")).click().run()
    wait_until(at, lambda at: any("Saved as version 1" in s for s in texts(at, "success")), timeout=120)
    assert any("This version scores toxic only: no training post had a value for hate" in i for i in texts(at, "info"))
    assert registry.list()[1].labels == ("toxic",)
    at.button(key=key("train", "activate")).click().run()
    at.button(key=key("train", "confirm_activate")).click().run()
    assert registry.active_version() == 1

    monkeypatch.setattr(models, "load_classifier", REAL_LOAD)  # score with the version just trained
    st.cache_resource.clear()
    at.switch_page("pages/score.py").run()
    paste(at, "you are an idiot\nwhat a nice day\n")
    table = results_table(at)
    assert "score_toxic" in table.columns and "score_hate" not in table.columns
    at.switch_page("pages/explain.py").run()
    assert [m.label for m in at.metric] == ["toxic score"]
    assert not at.exception


# -- item 9: the training board is per server ------------------------------------------------------
def test_a_reloaded_tab_sees_and_cancels_the_running_training(
    model_page: AppTest,  # noqa: F811
    slow_trainer: SlowTrainer,  # noqa: F811
) -> None:
    start_training(model_page)
    assert slow_trainer.started.wait(10)
    reloaded = AppTest.from_file(APP, default_timeout=TIMEOUT)  # the same person after reloading the tab
    reloaded.run()
    reloaded.switch_page(PAGE).run()
    wait_until(reloaded, lambda at: any(b.key == key("train", "cancel") for b in at.button))
    assert any("Training my-model" in m for m in texts(reloaded, "markdown"))
    reloaded.button(key=key("train", "cancel")).click().run()
    job = training_service.training_board().get(reloaded.session_state[train_tab.JOB])
    assert job is not None and job.cancel_requested
    wait_until(reloaded, lambda at: any("Training my-model cancelled" in w for w in texts(at, "warning")))
    wait_until(model_page, lambda at: any("No version was saved" in w for w in texts(at, "warning")))
    assert job.status == training_service.CANCELLED


@pytest.fixture
def registry() -> ModelRegistry:
    return ModelRegistry()
