"""A model target that cannot be written is refused before training; write errors never leave a half state."""

from __future__ import annotations

import errno
from pathlib import Path

import numpy as np
import pytest

from core.errors import InputError, ModLensError, OutputError
from core.model import artifact
from core.model.artifact import check_model_target
from core.model.classifier import ToxicityClassifier


@pytest.fixture(scope="module")
def clf(tiny_model_dir: Path) -> ToxicityClassifier:
    return ToxicityClassifier.load(tiny_model_dir)


def test_a_target_under_a_file_is_refused_before_any_training(tmp_path: Path) -> None:
    """It passed the check, then the save after training ended in an unexpected FileExistsError."""
    (tmp_path / "posts.csv").write_text("text\nhello\n")
    with pytest.raises(OutputError, match=r"is a file, not a folder"):
        check_model_target(tmp_path / "posts.csv" / "models" / "mine")
    assert check_model_target(tmp_path / "new" / "deeper" / "mine") == (tmp_path / "new" / "deeper" / "mine")


def test_a_write_error_while_saving_is_an_output_error_and_leaves_nothing_behind(
    tmp_path: Path, clf: ToxicityClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(artifact, "write_metadata", full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        clf.save(tmp_path / "model")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_rename_puts_the_old_model_back(
    tmp_path: Path, clf: ToxicityClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "model"
    clf.save(target, metadata={"name": "first"})
    real_replace = artifact.os.replace

    def refuse_the_new_one(source: Path, destination: Path) -> None:
        if ".tmp-" in Path(source).name:
            raise OSError(errno.EIO, "Input/output error")
        real_replace(source, destination)

    monkeypatch.setattr(artifact.os, "replace", refuse_the_new_one)
    with pytest.raises(OutputError, match="Input/output error"):
        clf.save(target, metadata={"name": "second"}, overwrite=True)
    assert '"name": "first"' in (target / "metadata.json").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_one_string_is_refused_rather_than_scored_character_by_character(clf: ToxicityClassifier) -> None:
    """``predict_proba("you idiot")`` returned 9 rows, one per character."""
    with pytest.raises(InputError, match="list of posts"):
        clf.predict_proba("you idiot")
    assert clf.predict_proba(["you idiot"]).shape == (1, len(clf.labels_))


def test_fit_refuses_nan_sample_weights() -> None:
    """A NaN weight passed the non-negative check and trained a model on a NaN loss."""
    weights = np.ones(4)
    weights[1] = np.nan
    with pytest.raises(ModLensError, match="finite, non-negative weight"):
        ToxicityClassifier().fit(["a b", "c d", "e f", "g h"], [[1, 0], [0, 0], [1, 1], [0, 1]], sample_weight=weights)
