"""The model service: version hashes, the version stamp, the loading seam, and no TensorFlow on import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import ModLensError
from tests.ui.conftest import ROOT
from tests.ui.fake_model import KeywordModel
from ui.services import models


def test_model_version_changes_with_the_model() -> None:
    one, two = KeywordModel(), KeywordModel()
    assert models.model_version(one) == models.model_version(two)
    two.metadata_["created"] = "2027-01-01"
    assert models.model_version(one) != models.model_version(two)


def test_importing_the_dashboard_does_not_import_tensorflow() -> None:
    code = (
        "import sys, pkgutil, importlib, ui; "
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(ui.__path__, 'ui.')]; "
        "import core.plots.scores, core.plots.curves; print('tensorflow' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_model_stamp_follows_the_metadata_file(tmp_path: Path) -> None:
    assert models.model_stamp(tmp_path) == 0.0  # no metadata.json
    (tmp_path / "metadata.json").write_text("{}")
    assert models.model_stamp(tmp_path) == (tmp_path / "metadata.json").stat().st_mtime > 0


def test_models_load_once_per_directory_and_stamp(fake_model: KeywordModel, tmp_path: Path) -> None:
    (tmp_path / "metadata.json").write_text("{}")
    assert models.get_model_at(tmp_path) is fake_model
    assert models.get_model_at(tmp_path) is models.get_model_at(tmp_path)
    assert models.model_name(fake_model) == "keyword-fake"


def test_a_model_that_fails_to_load_is_not_cached(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import streamlit as st

    st.cache_resource.clear()
    calls = []

    def broken(model_dir: Path) -> KeywordModel:
        calls.append(model_dir)
        raise ModLensError("The model directory is damaged. Train it again.")

    monkeypatch.setattr(models, "load_classifier", broken)
    for _ in range(2):
        with pytest.raises(ModLensError, match="damaged"):
            models.get_model_at(tmp_path)
    assert len(calls) == 2  # tried again: fixed on the next call
    st.cache_resource.clear()
