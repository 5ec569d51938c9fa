from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from core.errors import ModelError, ModLensError
from core.model import network
from core.model.artifact import METADATA_FILE, MODEL_FILE
from core.model.classifier import NotFittedError, ToxicityClassifier, TrainingCancelled
from core.model.config import ModelConfig, preset
from tests.conftest import tiny_corpus

pytestmark = pytest.mark.slow


def test_unfitted_classifier_says_how_to_fix_it() -> None:
    with pytest.raises(NotFittedError, match=r"not fitted yet\. Call fit"):
        ToxicityClassifier().predict_proba(["hello"])
    assert issubclass(NotFittedError, ModLensError)


def test_seed_preset_is_the_classic_example() -> None:
    seed = preset("seed")
    assert (seed.vocab_size, seed.embedding_dim, seed.lstm_units, seed.sequence_length) == (10_000, 64, 64, 100)
    assert (seed.epochs, seed.batch_size, seed.bidirectional) == (10, 32, False)
    with pytest.raises(ModLensError, match="Unknown preset 'huge'"):
        preset("huge")


def test_config_is_frozen_and_round_trips() -> None:
    config = preset("default").with_overrides(epochs=3, lstm_units=None)
    assert config.epochs == 3 and config.lstm_units == preset("default").lstm_units
    assert ModelConfig.from_dict({**config.to_dict(), "unknown_future_key": 1}) == config
    with pytest.raises(AttributeError):
        config.epochs = 5  # type: ignore[misc]


def test_tiny_training_run_learns_and_chooses_thresholds(tiny_model_dir: Path) -> None:
    clf = ToxicityClassifier.load(tiny_model_dir)
    scores = clf.predict_proba(["you are an idiot", "what a nice day", ""])
    assert scores.shape == (3, 2)
    assert scores[0, 0] > 0.5 > scores[1, 0]
    assert set(clf.thresholds_) == {"toxic", "hate"}
    assert all(0.0 < t < 1.0 for t in clf.thresholds_.values())
    assert clf.validation_metrics_["toxic"]["roc_auc"] > 0.9
    assert clf.history_ and {"epoch", "loss", "val_auc"} <= set(clf.history_[0])


def test_save_load_round_trip_gives_identical_predictions(tiny_model_dir: Path, tmp_path: Path) -> None:
    clf = ToxicityClassifier.load(tiny_model_dir)
    texts = ["shut up stupid", "thanks for the help", "x" * 50_000, "émoji 🙂 日本語"]
    before = clf.predict_proba(texts)
    copy = clf.save(tmp_path / "copy", metadata={"name": "copy"})
    after = ToxicityClassifier.load(copy).predict_proba(texts)
    np.testing.assert_allclose(before, after, atol=1e-6)
    metadata = json.loads((copy / METADATA_FILE).read_text())
    assert metadata["labels"] == ["toxic", "hate"]
    assert metadata["thresholds"] == pytest.approx(clf.thresholds_)
    assert metadata["preset"] == "default" and metadata["config"]["sequence_length"] == 20
    assert {"tensorflow", "keras", "python"} <= set(metadata["libraries"])
    assert (copy / "model_card.md").read_text().startswith("# Model card")


def test_the_saved_keras_model_takes_raw_strings(tiny_model_dir: Path) -> None:
    import keras

    model = keras.saving.load_model(tiny_model_dir / MODEL_FILE, compile=False, safe_mode=True)
    out = np.asarray(model(np.array(["you are an idiot", "nice day"])))
    assert out.shape == (2, 2)
    assert out[0, 0] > out[1, 0]


def test_scores_do_not_depend_on_batch_composition(tiny_model_dir: Path) -> None:
    clf = ToxicityClassifier.load(tiny_model_dir)
    texts = ["idiot", "a much longer friendly post about the game and the weather today", "moron loser"]
    together = clf.predict_proba(texts)
    alone = np.vstack([clf.predict_proba([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_half_a_surrogate_pair_scores_as_a_replacement_character(tiny_model_dir: Path) -> None:
    model = ToxicityClassifier.load(tiny_model_dir)
    broken = model.predict_proba(["you idiot \ud83d", "\udcff thanks"])
    replaced = model.predict_proba(["you idiot \ufffd", "\ufffd thanks"])
    np.testing.assert_array_equal(broken, replaced)


def test_small_batches_and_length_buckets_give_the_same_scores(tiny_model_dir: Path) -> None:
    # Up to SMALL_BATCH posts go through one traced string call; more are sorted into length buckets.
    from core.model.classifier import SMALL_BATCH

    clf = ToxicityClassifier.load(tiny_model_dir)
    texts, _ = tiny_corpus(SMALL_BATCH + 40, seed=3)
    texts = [text * (1 + i % 5) for i, text in enumerate(texts)] + ["", "!!!"]
    bucketed = clf.predict_proba(texts)
    small = np.vstack([clf.predict_proba(texts[i : i + 7]) for i in range(0, len(texts), 7)])
    np.testing.assert_allclose(bucketed, small, atol=1e-5)
    assert (bucketed[-2:] == 0).all()


def test_validation_groups_need_validation_data() -> None:
    texts, labels = tiny_corpus(40)
    with pytest.raises(ModLensError, match="validation_groups"):
        ToxicityClassifier().fit(texts, labels, validation_groups=["a"] * 4)
    with pytest.raises(ModLensError, match="one group per validation text"):
        ToxicityClassifier().fit(texts, labels, validation=(texts[:4], labels[:4]), validation_groups=["a"])


def test_config_rejects_schedules_that_cannot_work() -> None:
    with pytest.raises(ModLensError, match="plateau_decay"):
        preset("default").with_overrides(plateau_decay=1.5)
    with pytest.raises(ModLensError, match="weight_average"):
        preset("default").with_overrides(weight_average=1.0)
    with pytest.raises(ModLensError, match="patience"):
        preset("default").with_overrides(patience=0)


def test_progress_callback_reports_and_can_cancel() -> None:
    texts, labels = tiny_corpus(200)
    config = preset("default").with_overrides(epochs=2, vocab_size=100, embedding_dim=4, lstm_units=4, batch_size=8)
    events = []
    ToxicityClassifier(config=config).fit(texts, labels, progress=events.append)
    assert [e.epoch for e in events if e.phase == "epoch"] == [1, 2]
    assert any(e.phase == "batch" for e in events)
    with pytest.raises(TrainingCancelled):
        ToxicityClassifier(config=config).fit(texts, labels, progress=lambda event: False)


def test_fit_rejects_bad_label_shapes_and_values() -> None:
    with pytest.raises(ModLensError, match="Labels have shape"):
        ToxicityClassifier().fit(["a", "b"], np.zeros((3, 2)))
    with pytest.raises(ModLensError, match="must be 0, 1 or NaN"):
        ToxicityClassifier().fit(["a", "b"], np.array([[0.2, 0], [1, 1]]))
    with pytest.raises(ModLensError, match="only one class"):
        ToxicityClassifier().fit(["a", "b"], np.array([[1, 0], [1, 1]]))


def test_a_validation_split_with_one_class_still_trains() -> None:
    """A small file can leave one class out of validation: the threshold falls back, training goes on."""
    texts, labels = tiny_corpus(120)
    config = preset("default").with_overrides(epochs=1, vocab_size=100, embedding_dim=4, lstm_units=4, batch_size=8)
    negatives = [i for i in range(len(texts)) if labels[i, 0] == 0][:10]
    validation = ([texts[i] for i in negatives], labels[negatives])
    model = ToxicityClassifier(config=config).fit(texts, labels, validation=validation)
    assert model.thresholds_["toxic"] == 0.5 and np.isnan(model.validation_metrics_["toxic"]["roc_auc"])


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: (d / METADATA_FILE).unlink(), "metadata.json is missing"),
        (lambda d: (d / METADATA_FILE).write_text("{not json"), "is damaged"),
        (lambda d: (d / MODEL_FILE).write_bytes(b"garbage"), "not a Keras archive"),
        (lambda d: (d / MODEL_FILE).unlink(), "has no model.keras"),
        (lambda d: _edit_metadata(d, labels=["toxic"]), "has 2 outputs but its metadata names 1 labels"),
        (lambda d: _edit_metadata(d, format_version=99), "format version 99"),
    ],
)
def test_damaged_model_directories_give_clear_errors(
    tiny_model_dir: Path, tmp_path: Path, damage, message: str
) -> None:
    import shutil

    target = tmp_path / "model"
    shutil.copytree(tiny_model_dir, target)
    damage(target)
    with pytest.raises(ModLensError, match=message):
        ToxicityClassifier.load(target)


def test_missing_model_directory(tmp_path: Path) -> None:
    with pytest.raises(ModLensError, match="No model at"):
        ToxicityClassifier.load(tmp_path / "absent")


def test_interrupted_save_keeps_the_previous_model(tiny_model_dir: Path, tmp_path: Path, monkeypatch) -> None:
    clf = ToxicityClassifier.load(tiny_model_dir)
    target = clf.save(tmp_path / "m", metadata={"name": "first"})
    import core.model.artifact as model_io

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(model_io, "_fsync_dir", crash)
    with pytest.raises(KeyboardInterrupt):
        clf.save(target, metadata={"name": "second"}, overwrite=True)
    assert json.loads((target / METADATA_FILE).read_text())["name"] == "first"
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".m.")]
    ToxicityClassifier.load(target)


def _edit_metadata(directory: Path, **changes) -> None:
    path = directory / METADATA_FILE
    metadata = json.loads(path.read_text())
    metadata.update(changes)
    path.write_text(json.dumps(metadata))


def test_empty_posts_score_as_harmless(tiny_model_dir: Path) -> None:
    clf = ToxicityClassifier.load(tiny_model_dir)
    empty = clf.predict_proba(["", "   ", "!!!"])
    assert (empty == 0).all()


def test_maxavg_pooling_ignores_padding_and_survives_save_load(tmp_path: Path) -> None:
    texts, labels = tiny_corpus(240)
    config = preset("default").with_overrides(
        epochs=2, vocab_size=200, embedding_dim=8, lstm_units=4, batch_size=32, sequence_length=16, pooling="maxavg"
    )
    clf = ToxicityClassifier(config=config).fit(texts, labels)
    probe = ["idiot", "a friendly post about the game and the weather today", ""]
    together = clf.predict_proba(probe)
    alone = np.vstack([clf.predict_proba([t]) for t in probe])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    loaded = ToxicityClassifier.load(clf.save(tmp_path / "pooled"))
    np.testing.assert_allclose(loaded.predict_proba(probe), together, atol=1e-6)
    assert loaded.config.pooling == "maxavg"


def test_words_holding_unicode_line_separators_never_make_an_unloadable_model(tmp_path: Path) -> None:
    texts, labels = tiny_corpus(160)
    # ASCII white space splits words; U+2028 and U+0085 do not, yet Keras' vocabulary file reads them as line breaks
    texts = [f"{t} odd\u2028word next\x85one" for t in texts]
    config = preset("default").with_overrides(
        epochs=1, vocab_size=300, embedding_dim=4, lstm_units=4, batch_size=32, sequence_length=16
    )
    clf = ToxicityClassifier(config=config).fit(texts, labels)
    vocabulary = network.vectorizer_of(clf.model_).get_vocabulary()
    assert "idiot" in vocabulary and not [w for w in vocabulary if "\u2028" in w or "\x85" in w]
    loaded = ToxicityClassifier.load(clf.save(tmp_path / "separators"))
    np.testing.assert_allclose(loaded.predict_proba(texts[:4]), clf.predict_proba(texts[:4]), atol=1e-6)


def test_a_model_that_would_not_load_never_replaces_the_saved_one(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    clf = ToxicityClassifier.load(tiny_model_dir)
    target = clf.save(tmp_path / "m", metadata={"name": "first"})
    import keras

    def unreadable(*args, **kwargs):
        raise ValueError("The passed vocabulary has at least one repeated term.")

    monkeypatch.setattr(keras.saving, "load_model", unreadable)
    with pytest.raises(ModelError, match="left as it was"):
        clf.save(target, metadata={"name": "second"}, overwrite=True)
    monkeypatch.undo()
    assert json.loads((target / METADATA_FILE).read_text())["name"] == "first"
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".m.")]
    ToxicityClassifier.load(target)


def test_a_keras_model_that_is_not_a_modlens_classifier_is_refused_when_loaded(
    tiny_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import keras

    from core.cli import main

    foreign = tmp_path / "foreign"
    shutil.copytree(tiny_model_dir, foreign)
    inputs = keras.Input(shape=(3,))
    keras.Model(inputs, keras.layers.Dense(2, activation="sigmoid")(inputs)).save(foreign / MODEL_FILE)
    with pytest.raises(ModelError, match="not a ModLens text classifier"):
        ToxicityClassifier.load(foreign)
    monkeypatch.setenv("MODLENS_HOME", str(tmp_path / "home"))
    assert main(["models", "add", str(foreign), "--database", f"sqlite:///{tmp_path / 'a.db'}"]) == 2
    assert "not a ModLens text classifier" in capsys.readouterr().err
    assert not list((tmp_path / "home").glob("models/versions/v*"))
