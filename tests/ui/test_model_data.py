"""Model page logic without Streamlit: label mapping, tables, comparisons, and the background training board."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.bias import BiasConfig, bias_metrics
from core.errors import ModLensError
from core.model.config import preset
from core.registry import ModelRegistry
from core.training.debias import DebiasConfig
from ui import model_data, training_job
from ui.model_data import Comparison, LabelledPosts, LabelRule

FRAME = pd.DataFrame(
    {
        "body": ["a", "b", "c", "d", None],
        "flag": ["1", "0", "true", "", "no"],
        "kind": ["abuse", "fine", " spam ", "", "abuse"],
    }
)


# -- label mapping ------------------------------------------------------------------------------
def test_label_values_read_labels_categories_or_nothing() -> None:
    np.testing.assert_array_equal(model_data.label_values(FRAME, LabelRule("flag")), [1, 0, 1, np.nan, 0])
    by_values = model_data.label_values(FRAME, LabelRule("kind", ("abuse", "spam")))
    np.testing.assert_array_equal(by_values, [1, 0, 1, np.nan, 1])  # stripped; empty is unknown
    assert np.isnan(model_data.label_values(FRAME, LabelRule(None))).all()
    with pytest.raises(ModLensError, match="Column 'nope' is not in the file"):
        model_data.label_values(FRAME, LabelRule("nope"))
    with pytest.raises(ModLensError, match="not labels"):
        model_data.label_values(FRAME, LabelRule("kind"))


def test_parses_as_labels_and_categories() -> None:
    assert model_data.parses_as_labels(FRAME["flag"])
    assert not model_data.parses_as_labels(FRAME["kind"])
    assert model_data.categories(FRAME["kind"]) == ["abuse", "fine", "spam"]  # most frequent first
    many = pd.Series([f"value {i}" for i in range(60)], name="id")
    with pytest.raises(ModLensError, match="Column 'id' has 60 different values"):
        model_data.categories(many)


def test_labelled_posts_and_their_cache_key() -> None:
    rules = {"toxic": LabelRule("kind", ("abuse",)), "hate": LabelRule(None)}
    data = model_data.labelled_posts(FRAME, name="f.csv", text_col="body", rules=rules, content_hash="abc")
    assert data.texts == ("a", "b", "c", "d", "")
    counts = data.counts().set_index("label")
    assert counts.loc["toxic"].tolist() == [4, 2, 2]
    assert counts.loc["hate"].tolist() == [0, 0, 0]
    assert data.usable_labels() == ["toxic"]
    assert data.training_table().columns.tolist() == ["text", "toxic", "hate"]
    same = model_data.labelled_posts(FRAME, name="f.csv", text_col="body", rules=rules, content_hash="abc")
    assert same.key == data.key
    for other in (
        {"toxic": LabelRule("kind", ()), "hate": LabelRule(None)},  # no value chosen is not "read as labels"
        {"toxic": LabelRule("kind", ("abuse", "spam")), "hate": LabelRule(None)},
    ):
        assert model_data.labelled_posts(FRAME, name="f", text_col="body", rules=other, content_hash="abc").key != (
            data.key
        )
    changed = model_data.labelled_posts(FRAME, name="f.csv", text_col="body", rules=rules, content_hash="abd")
    assert changed.key != data.key
    with pytest.raises(ModLensError, match="Text column 'text' is not in the file"):
        model_data.labelled_posts(FRAME, name="f", text_col="text", rules=rules, content_hash="abc")


def _posts(**labels: list[float]) -> LabelledPosts:
    n = len(next(iter(labels.values())))
    return LabelledPosts(
        "f", tuple(f"post {i}" for i in range(n)), {k: np.array(v, float) for k, v in labels.items()}, "k"
    )


def test_check_trainable() -> None:
    model_data.check_trainable(_posts(toxic=[1, 0, np.nan], hate=[np.nan] * 3))
    with pytest.raises(ModLensError, match="'toxic' labels have no negative post"):
        model_data.check_trainable(_posts(toxic=[1, 1, np.nan], hate=[np.nan] * 3))
    with pytest.raises(ModLensError, match="'hate' labels have no positive post"):
        model_data.check_trainable(_posts(toxic=[1, 0, 0], hate=[0, 0, np.nan]))
    with pytest.raises(ModLensError, match="No label column is chosen"):
        model_data.check_trainable(_posts(toxic=[np.nan] * 3, hate=[np.nan] * 3))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("my posts <b>", "my-posts-b"), ("[x](javascript:y)", "x-javascript-y"), ("***", "model"), ("ok_1.2", "ok_1.2")],
)
def test_safe_name(text: str, expected: str) -> None:
    assert model_data.safe_name(text) == expected


def test_choose_threshold_dispatches() -> None:
    y, s = np.array([0, 1, 1, 0, 1]), np.array([0.1, 0.4, 0.8, 0.6, 0.9])
    assert model_data.choose_threshold(y, s, "target precision", target=1.0).threshold == pytest.approx(0.8)
    assert model_data.choose_threshold(y, s, "target recall", target=1.0).threshold == pytest.approx(0.4)
    assert model_data.choose_threshold(y, s, "cost of errors", fp_cost=1, fn_cost=3).threshold == pytest.approx(0.4)
    with pytest.raises(ModLensError, match="Unknown method"):
        model_data.choose_threshold(y, s, "magic")
    point = model_data.choose_threshold(y, s, "target recall", target=1.0)
    table = model_data.operating_table("toxic", {"chosen": point})
    assert table.index.name == "toxic at the threshold"
    assert table.loc["false positives", "chosen"] == 1 and table.loc["recall", "chosen"] == 1.0


# -- tables from metadata -----------------------------------------------------------------------
METADATA = {
    "evaluation": [
        {
            "dataset": "d",
            "label": "toxic",
            "n": 10,
            "positives": 4,
            "roc_auc": 0.9,
            "pr_auc": 0.8,
            "precision": 0.7,
            "recall": 0.6,
            "f1": 0.65,
            "threshold": 0.5,
            "macro_f1": 0.7,
        }
    ],
    "checks": {
        "templated_identity": {
            "final_bias_metric": 0.83,
            "overall_auc": 0.9,
            "min_subgroup_auc": 0.7,
            "min_term_auc": 0.6,
            "terms_below_0_90_auc": 12,
            "harmless_flag_rate": 0.05,
            "most_penalised_terms": [{"term": "gay", "group": "lgbtq", "mean_harmless": 0.4, "auc": 0.7}],
        },
        "functional": {"accuracy": 0.75},
    },
    "debias": {
        "before": {"mean_test_roc_auc": {"toxic": 0.88}, "templated_final_bias_metric": 0.7},
        "after": {"mean_test_roc_auc": {"toxic": 0.87}, "templated_final_bias_metric": 0.83},
    },
}


def test_tables_from_metadata() -> None:
    summary = model_data.templated_summary(METADATA).set_index("metric")["value"]
    assert summary["final bias metric"] == 0.83 and summary["terms below 0.90 AUC"] == 12
    assert summary["functional cases accuracy"] == 0.75
    assert model_data.templated_summary({}).set_index("metric")["value"].isna().all()
    assert model_data.penalised_terms(METADATA)["term"].tolist() == ["gay"]
    evaluation = model_data.evaluation_table(METADATA)
    assert evaluation.loc[0, "roc_auc"] == 0.9 and "macro_f1" not in evaluation
    debias = model_data.debias_table(METADATA).set_index("metric")
    assert debias.loc["mean_test_roc_auc toxic"].tolist() == [0.88, 0.87]
    assert debias.loc["templated_final_bias_metric"].tolist() == [0.7, 0.83]
    assert model_data.debias_table({}) is None


def test_versions_table(tmp_path: Path) -> None:
    registry = ModelRegistry(root=tmp_path)
    table = model_data.versions_table(registry.list())
    assert table.loc[0, "version"] == 0 and bool(table.loc[0, "active"])
    assert table.loc[0, "kind"] == "bundled, read-only"
    assert "toxic" in table.loc[0, "thresholds"]
    assert model_data.version_label(registry.list()[0]).startswith("v0 · ")


# -- comparison ---------------------------------------------------------------------------------
@pytest.fixture
def comparison() -> Comparison:
    rng = np.random.default_rng(0)
    n = 400
    truth = (rng.random(n) < 0.4).astype(float)
    first = np.clip(0.3 * truth + 0.7 * rng.random(n), 0, 1)
    second = np.clip(0.6 * truth + 0.4 * rng.random(n), 0, 1)
    data = LabelledPosts("f", tuple(f"post {i}" for i in range(n)), {"toxic": truth, "hate": np.full(n, np.nan)}, "k")
    return Comparison(
        versions=(1, 3),
        labels=(("toxic", "hate"), ("toxic", "hate")),
        scores=(np.column_stack([first, first]), np.column_stack([second, second])),
        thresholds=({"toxic": 0.5, "hate": 0.5}, {"toxic": 0.6, "hate": 0.5}),
        metadata=(METADATA, {}),
        data=data,
    )


def test_compare_metrics_side_by_side(comparison: Comparison) -> None:
    table = model_data.compare_metrics(comparison, "toxic")
    assert table.columns.tolist() == ["v1", "v3"]
    assert table.index.name == "toxic metric"
    assert table.loc["threshold"].tolist() == [0.5, 0.6]
    assert table.loc["roc_auc", "v3"] > table.loc["roc_auc", "v1"]
    assert table.loc["roc_auc", "v3"] == round(table.loc["roc_auc", "v3"], 4)
    flagged = (comparison.scores[1][:, 0] >= 0.6).sum()
    assert table.loc["flagged", "v3"] == flagged
    assert comparison.common_labels() == ["toxic"]  # hate has no labels


def test_compare_bias_side_by_side(comparison: Comparison) -> None:
    rng = np.random.default_rng(1)
    groups = pd.DataFrame(
        {"muslim": rng.random(400) < 0.2, "women": rng.random(400) < 0.3, "never": np.zeros(400, bool)}
    )
    table = model_data.compare_bias(comparison, "toxic", groups)
    assert table["group"].tolist() == ["muslim", "women", "overall"]  # unmentioned groups are left out
    assert [c for c in table.columns if c.startswith("v")] == [
        "v1 subgroup AUC",
        "v1 BPSN AUC",
        "v1 BNSP AUC",
        "v3 subgroup AUC",
        "v3 BPSN AUC",
        "v3 BNSP AUC",
    ]
    expected = bias_metrics(
        comparison.data.labels["toxic"],
        comparison.scores[1][:, 0],
        groups=groups[["muslim", "women"]],
        config=BiasConfig(threshold=0.6, n_bootstrap=0),
    )
    np.testing.assert_allclose(table["v3 BPSN AUC"].to_numpy()[:2], expected["bpsn_auc"].to_numpy()[:2])
    assert table.loc[table["group"] == "muslim", "n"].item() == groups["muslim"].sum()


def test_compare_templated(comparison: Comparison) -> None:
    table = model_data.compare_templated(comparison)
    assert table.columns.tolist() == ["v1", "v3"]
    assert table.loc["final bias metric", "v1"] == 0.83
    assert math.isnan(table.loc["final bias metric", "v3"])


# -- background training ------------------------------------------------------------------------
class Event:
    def __init__(self, epoch: int, batch: int, phase: str = "batch") -> None:
        self.phase, self.epoch, self.epochs, self.batch, self.batches = phase, epoch, 2, batch, 10
        self.loss, self.val_auc = 0.5, math.nan if phase == "batch" else 0.8


def _spec(table: pd.DataFrame | None = None) -> training_job.TrainingSpec:
    frame = (
        table if table is not None else pd.DataFrame({"text": ["a", "b"], "toxic": [1.0, 0.0], "hate": [np.nan, 0.0]})
    )
    return training_job.TrainingSpec(name="m", source="test", config=preset("seed"), table=frame, table_name="t")


def _wait(board: training_job.TrainingBoard, job: training_job.TrainingJob) -> training_job.TrainingJob:
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
    public = training_job.TrainingSpec(name="m", source="s", config=preset("seed"), public=("olid",))
    assert public.request(tmp_path).files == () and public.request(tmp_path).public == ("olid",)


def test_a_finished_training_adds_a_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(spec, workdir, progress, log, stop=None) -> Path:
        log("Training on 2 posts, validating on 0 (t).")
        assert progress(Event(1, 10)) is True
        progress(Event(2, 10, "epoch"))
        return _write_model(workdir / "model")

    monkeypatch.setattr(training_job, "train_model", fake)
    registry = ModelRegistry(root=tmp_path / "registry")
    board = training_job.TrainingBoard()
    job = _wait(board, board.start(_spec(), registry))
    assert job.status == training_job.DONE and job.version == 1
    assert job.metadata["name"] == "m" and job.card.startswith("# Model card: m")
    assert [v.version for v in registry.list()] == [0, 1]
    assert job.fraction() == 1.0 and [e["phase"] for e in job.events()] == ["batch", "epoch"]
    assert job.messages() == ["Training on 2 posts, validating on 0 (t)."]
    assert board.running() is None and board.get(job.id) is job


def test_cancel_stops_the_fit_and_saves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []

    def fake(spec, workdir, progress, log, stop=None) -> Path:
        for batch in range(1, 10_000):
            time.sleep(0.002)
            keep_going = progress(Event(1, batch % 10 + 1))
            seen.append(keep_going)
            if keep_going is False:
                raise ModLensError("Training was cancelled.")  # what ToxicityClassifier.fit raises

    monkeypatch.setattr(training_job, "train_model", fake)
    registry = ModelRegistry(root=tmp_path / "registry")
    board = training_job.TrainingBoard()
    job = board.start(_spec(), registry)
    while not seen:
        time.sleep(0.01)
    with pytest.raises(training_job.TrainingBusyError, match="already running on this server \\(m, started at"):
        board.start(_spec(), registry)
    job.cancel()
    _wait(board, job)
    assert seen[-1] is False and job.status == training_job.CANCELLED
    assert [v.version for v in registry.list()] == [0]


def test_cancel_after_the_last_report_still_saves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    holder: dict[str, training_job.TrainingJob] = {}

    def fake(spec, workdir, progress, log, stop=None) -> Path:
        while "job" not in holder:
            time.sleep(0.01)
        holder["job"].cancel()  # e.g. clicked while the model card was written
        return _write_model(workdir / "model")

    monkeypatch.setattr(training_job, "train_model", fake)
    registry = ModelRegistry(root=tmp_path / "registry")
    board = training_job.TrainingBoard()
    holder["job"] = job = board.start(_spec(), registry)
    _wait(board, job)
    assert job.status == training_job.CANCELLED and job.version is None
    assert [v.version for v in registry.list()] == [0]


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (ModLensError("Label 0 has only one class"), "Label 0 has only one class"),
        (RuntimeError("boom"), "Training failed (RuntimeError). The server log has the details."),
    ],
)
def test_a_failing_training_reports_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, message: str
) -> None:
    def fake(spec, workdir, progress, log, stop=None) -> Path:
        raise error

    monkeypatch.setattr(training_job, "train_model", fake)
    board = training_job.TrainingBoard()
    job = _wait(board, board.start(_spec(), ModelRegistry(root=tmp_path / "registry")))
    assert job.status == training_job.FAILED and job.error == message
    assert board.running() is None  # the next training can start


def test_progress_of_a_debiased_training_counts_both_fits() -> None:
    spec = training_job.TrainingSpec(
        name="m",
        source="s",
        config=preset("seed"),
        public=("olid",),
        debias=DebiasConfig(),
        compare_baseline=True,
    )
    job = training_job.TrainingJob(id="x", spec=spec)
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
    from ui.training_process import train_in_child

    one_class = pd.DataFrame({"text": ["a b", "c d", "e f", "g h"] * 5, "toxic": [1.0] * 20, "hate": [np.nan] * 20})
    spec = _spec(one_class)
    logged: list[str] = []
    with pytest.raises(ModLensError, match="only one class"):
        train_in_child(spec, tmp_path, lambda event: None, logged.append)
    assert any(line.startswith("Training on ") for line in logged)  # core's log lines came through
