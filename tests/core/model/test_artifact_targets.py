"""Saving a model directory replaces only a ModLens model directory, and only when asked to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.errors import OutputError
from core.model.artifact import check_model_target
from core.model.classifier import ToxicityClassifier


@pytest.fixture(scope="module")
def clf(tiny_model_dir: Path) -> ToxicityClassifier:
    return ToxicityClassifier.load(tiny_model_dir)


def test_save_replaces_a_model_directory_only_with_overwrite(tmp_path: Path, clf: ToxicityClassifier) -> None:
    target = tmp_path / "model"
    clf.save(target, metadata={"name": "first"})
    with pytest.raises(OutputError, match="--overwrite"):
        clf.save(target, metadata={"name": "second"})
    clf.save(target, metadata={"name": "second"}, overwrite=True)
    assert '"name": "second"' in (target / "metadata.json").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_save_never_replaces_a_model_directory_holding_other_files(tmp_path: Path, clf: ToxicityClassifier) -> None:
    target = tmp_path / "model"
    clf.save(target)
    (target / "my-notes.txt").write_text("mine")
    with pytest.raises(OutputError, match=r"my-notes\.txt"):
        clf.save(target, overwrite=True)
    assert (target / "my-notes.txt").read_text() == "mine"


def test_a_link_or_a_file_is_never_a_model_target(tmp_path: Path, tiny_model_dir: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(tiny_model_dir)
    with pytest.raises(OutputError, match="symbolic link"):
        check_model_target(link, overwrite=True)
    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    (model / "model_card.md").unlink()
    (model / "model_card.md").symlink_to(tmp_path / "elsewhere.md")
    with pytest.raises(OutputError, match="not a ModLens model directory"):
        check_model_target(model, overwrite=True)
    assert check_model_target(tmp_path / "new" / "model") == (tmp_path / "new" / "model").resolve()
