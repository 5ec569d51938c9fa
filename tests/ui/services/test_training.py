"""Background training without widgets: the spec, the board (one at a time, cancel, failures), the child process."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.errors import ModLensError
from core.model.config import preset
from core.registry import ModelRegistry
from core.store import audit
from core.store.audit import AuditFilter
from core.training.debias import DebiasConfig
from ui.services import auth, training
from ui.services.labelled import LabelledPosts


@pytest.mark.parametrize(
    ("text", "expected"),
    [("my posts <b>", "my-posts-b"), ("[x](javascript:y)", "x-javascript-y"), ("***", "model"), ("ok_1.2", "ok_1.2")],
)
def test_safe_name(text: str, expected: str) -> None:
    assert training.safe_name(text) == expected


class Event:
    def __init__(self, epoch: int, batch: int, phase: str = "batch") -> None:
        self.phase, self.epoch, self.epochs, self.batch, self.batches = phase, epoch, 2, batch, 10
        self.loss, self.val_auc = 0.5, math.nan if phase == "batch" else 0.8


def _spec(table: pd.DataFrame | None = None) -> training.TrainingSpec:
    frame = (
        table if table is not None else pd.DataFrame({"text": ["a", "b"], "toxic": [1.0, 0.0], "hate": [np.nan, 0.0]})
    )
    return training.TrainingSpec(name="m", source="test", config=preset("seed"), table=frame, table_name="t")


def _wait(board: training.TrainingBoard, job: training.TrainingJob) -> training.TrainingJob:
    assert board.join(job.id, timeout=20)
    return job


def _write_model(out: Path) -> Path:
    out.mkdir(parents=True)
    (out / "metadata.json").write_text(
        json.dumps(
            {"format_version": 1, "name": "m", "labels": ["toxic", "hate"], "thresholds": {"toxic": 0.5, "hate": 0.5}}
        )
    )
    (out / "model_card.md").write_text("# Model card: m\n")
    return out


def test_request_writes_the_table_and_maps_labels(tmp_path: Path) -> None:
    request = _spec().request(tmp_path)
    assert request.files == (tmp_path / "t.parquet",)
    assert pd.read_parquet(request.files[0])["toxic"].tolist() == [1.0, 0.0]
    assert request.text_col == "text" and request.label_columns == {"toxic": "toxic", "hate": "hate"}
    assert request.out == tmp_path / "model" and request.name == "m" and not request.compare_baseline
    public = training.TrainingSpec(name="m", source="s", config=preset("seed"), public=("olid",))
    assert public.request(tmp_path).files == () and public.request(tmp_path).public == ("olid",)


def test_a_finished_training_adds_a_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(spec, workdir, progress, log, stop=None, **_) -> Path:
        log("Training on 2 posts, validating on 0 (t).")
        assert progress(Event(1, 10)) is True
        progress(Event(2, 10, "epoch"))
        return _write_model(workdir / "model")

    monkeypatch.setattr(training, "train_model", fake)
    registry = ModelRegistry(root=tmp_path / "registry")
    board = training.TrainingBoard()
    job = _wait(board, board.start(_spec(), registry))
    assert job.status == training.DONE and job.version == 1
    assert job.metadata["name"] == "m" and job.card.startswith("# Model card: m")
    assert [v.version for v in registry.list()] == [0, 1]
    assert job.fraction() == 1.0 and [e["phase"] for e in job.events()] == ["batch", "epoch"]
    assert job.messages() == ["Training on 2 posts, validating on 0 (t)."]
    assert board.running() is None and board.get(job.id) is job


def test_cancel_stops_the_fit_and_saves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []

    def fake(spec, workdir, progress, log, stop=None, **_) -> Path:
        for batch in range(1, 10_000):
            time.sleep(0.002)
            keep_going = progress(Event(1, batch % 10 + 1))
            seen.append(keep_going)
            if keep_going is False:
                raise ModLensError("Training was cancelled.")  # what ToxicityClassifier.fit raises

    monkeypatch.setattr(training, "train_model", fake)
    registry = ModelRegistry(root=tmp_path / "registry")
    board = training.TrainingBoard()
    job = board.start(_spec(), registry)
    while not seen:
        time.sleep(0.01)
    with pytest.raises(training.TrainingBusyError, match="already running on this server \\(m, started at"):
        board.start(_spec(), registry)
    job.cancel()
    _wait(board, job)
    assert seen[-1] is False and job.status == training.CANCELLED
    assert [v.version for v in registry.list()] == [0]


def test_cancel_after_the_last_report_still_saves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    holder: dict[str, training.TrainingJob] = {}

    def fake(spec, workdir, progress, log, stop=None, **_) -> Path:
        while "job" not in holder:
            time.sleep(0.01)
        holder["job"].cancel()  # e.g. clicked while the model card was written
        return _write_model(workdir / "model")

    monkeypatch.setattr(training, "train_model", fake)
    registry = ModelRegistry(root=tmp_path / "registry")
    board = training.TrainingBoard()
    holder["job"] = job = board.start(_spec(), registry)
    _wait(board, job)
    assert job.status == training.CANCELLED and job.version is None
    assert [v.version for v in registry.list()] == [0]


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (ModLensError("Label 0 has only one class"), "Label 0 has only one class"),
        (
            RuntimeError("boom"),
            "Training failed while preparing the data and the model, before the first epoch (RuntimeError: boom). "
            "Try again;",
        ),
    ],
)
def test_a_failing_training_reports_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, message: str
) -> None:
    def fake(spec, workdir, progress, log, stop=None, **_) -> Path:
        raise error

    monkeypatch.setattr(training, "train_model", fake)
    board = training.TrainingBoard()
    job = _wait(board, board.start(_spec(), ModelRegistry(root=tmp_path / "registry")))
    assert job.status == training.FAILED and job.error.startswith(message)
    assert board.running() is None  # the next training can start


def test_a_crash_says_in_which_step_what_failed_and_what_to_try(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crashes_in_epoch_2(spec, workdir, progress, log, stop=None, **_) -> Path:
        progress(Event(1, 10, "epoch"))
        progress(Event(2, 3))
        raise training.TrainingCrashError("ValueError: math domain error")  # the child's last traceback line

    monkeypatch.setattr(training, "train_model", crashes_in_epoch_2)
    board = training.TrainingBoard()
    job = _wait(board, board.start(_spec(), ModelRegistry(root=tmp_path / "registry")))
    assert job.error.startswith("Training failed during epoch 2 of 2 (ValueError: math domain error). Try again;")
    assert "fewer posts" in job.error and "'seed' preset" in job.error  # what to try
    assert "report it with the time" in job.error  # and where to look, never only "see the server log"


def test_anyone_may_cancel_a_running_training_unless_their_role_may_not_train(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.errors import PermissionDenied
    from core.store.roles import Actor, Role

    def waits_for_cancel(spec, workdir, progress, log, stop=None, **_) -> Path:
        while not stop.is_set():
            time.sleep(0.01)
        raise ModLensError("Training was cancelled.")

    monkeypatch.setattr(training, "train_model", waits_for_cancel)
    board = training.TrainingBoard()
    job = board.start(_spec(), ModelRegistry(root=tmp_path / "registry"))
    with pytest.raises(PermissionDenied, match="analyst"):
        board.cancel(job.id, Actor("ana", Role.ANALYST))
    assert job.running and not job.cancel_requested
    with pytest.raises(PermissionDenied, match="ada' does not exist"):  # checked against the users table
        board.cancel(job.id, Actor("ada", Role.ADMIN))
    assert job.running and not job.cancel_requested
    demo = auth.current()  # no account yet: the demo admin
    assert demo is not None
    board.cancel(job.id, demo)
    _wait(board, job)
    assert job.status == training.CANCELLED and job.cancelled_by == demo.name


@pytest.mark.slow
def test_the_child_process_reports_a_crash_with_its_last_line(tmp_path: Path) -> None:
    from ui.services.training_process import TrainingCrashError, train_in_child

    spec = _spec()
    object.__setattr__(spec, "table", ["not", "a", "table"])  # the child fails outside ModLens's errors
    with pytest.raises(TrainingCrashError) as caught:
        train_in_child(spec, tmp_path, lambda event: None, lambda message: None)
    assert caught.value.summary == "AttributeError: 'list' object has no attribute 'to_parquet'"


def test_progress_of_a_debiased_training_counts_both_fits() -> None:
    spec = training.TrainingSpec(
        name="m",
        source="s",
        config=preset("seed"),
        public=("olid",),
        debias=DebiasConfig(),
        compare_baseline=True,
    )
    job = training.TrainingJob(id="x", spec=spec)
    job.log("Training the baseline without debiasing, for the before/after comparison.")
    job.log("Training on 10 posts, validating on 2 (olid).")
    job.progress(Event(2, 10, "epoch"))
    assert job.fraction() == pytest.approx(0.5)  # the baseline is done: half of the work
    job.log("Training on 12 posts, validating on 2 (olid, identity_augmentation).")
    job.progress(Event(1, 5))
    assert job.events()[-1]["run"] == 1 and job.fits == 2
    assert job.fraction() == pytest.approx(0.5 + 0.25 / 2)


@pytest.mark.slow
def test_the_child_process_reports_core_errors(tmp_path: Path) -> None:
    from ui.services.training_process import train_in_child

    one_class = pd.DataFrame({"text": ["a b", "c d", "e f", "g h"] * 5, "toxic": [1.0] * 20, "hate": [np.nan] * 20})
    spec = _spec(one_class)
    logged: list[str] = []
    with pytest.raises(ModLensError, match="only one class"):
        train_in_child(spec, tmp_path, lambda event: None, logged.append)
    assert any(line.startswith("Training on ") for line in logged)  # core's log lines came through


def test_training_spec_from_labelled_posts_or_public_datasets() -> None:
    data = LabelledPosts(
        "team labels.csv", ("a", "b", "c"), {"toxic": np.array([1.0, 0.0, np.nan]), "hate": np.full(3, np.nan)}, "k"
    )
    spec = training.training_spec(data, "m", preset("seed"), None, False)
    assert spec.source == "team labels.csv (3 posts)" and spec.table_name == "team-labels"
    assert spec.table is not None and spec.table.columns.tolist() == ["text", "toxic", "hate"]
    public = training.training_spec(("olid", "davidson"), "m", preset("seed"), DebiasConfig(), True)
    assert public.public == ("olid", "davidson") and public.table is None and public.compare_baseline
    one_class = LabelledPosts("f.csv", ("a", "b"), {"toxic": np.array([1.0, 1.0])}, "k")
    with pytest.raises(ModLensError, match="no negative post"):
        training.training_spec(one_class, "m", preset("seed"), None, False)


def test_only_a_model_manager_may_start_or_cancel_a_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, team: dict[str, str]
) -> None:
    from core.errors import PermissionDenied
    from core.store.roles import Actor, Role

    launched: list[str] = []

    def waits_for_cancel(spec, workdir, progress, log, stop=None, **_) -> Path:
        launched.append(spec.name)
        while not stop.is_set():
            time.sleep(0.01)
        raise ModLensError("Training was cancelled.")

    monkeypatch.setattr(training, "train_model", waits_for_cancel)
    board = training.TrainingBoard()
    registry = ModelRegistry(root=tmp_path / "registry")
    with pytest.raises(PermissionDenied, match="ana is an analyst; training"):
        board.start(_spec(), registry, actor=Actor("ana", Role.ANALYST))
    with pytest.raises(PermissionDenied, match="Sign in first"):  # accounts exist and nobody is signed in
        board.start(_spec(), registry)
    assert board.running() is None and launched == []
    job = board.start(_spec(), registry, actor=Actor("boss", Role.ADMIN))
    with pytest.raises(PermissionDenied, match="Sign in first"):
        board.cancel(job.id)
    assert job.running and not job.cancel_requested
    board.cancel(job.id, Actor("boss", Role.ADMIN))
    board.cancel(job.id, Actor("boss", Role.ADMIN))  # clicked twice: recorded once
    _wait(board, job)
    assert job.status == training.CANCELLED and job.cancelled_by == "boss"
    events = audit.audit_events(auth.database(), Actor("boss", Role.ADMIN), AuditFilter(action=training.CANCEL_EVENT))
    assert events["actor"].tolist() == ["boss"] and events["entity_type"].tolist() == ["model"]
    assert events["before"].iloc[0]["training"] == _spec().name
