"""``models list`` says when ``$MODLENS_MODEL`` overrides the active version (scoring then uses that folder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli import main


def test_the_list_says_which_folder_scoring_uses_when_modlens_model_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "my\x1b[2Jmodel"
    monkeypatch.setenv("MODLENS_MODEL", str(folder))
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    note = [line for line in out.splitlines() if "$MODLENS_MODEL" in line]
    assert len(note) == 1 and "overrides the active version" in note[0] and "my\\x1b[2Jmodel" in note[0]
    assert "\x1b" not in out
    assert main(["models", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed and all(v["override"] == str(folder) and v["in_use"] is False for v in listed)
    assert any(v["active"] for v in listed)


def test_an_override_naming_a_registered_version_says_which(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from core.paths import DEFAULT_MODEL_DIR

    monkeypatch.setenv("MODLENS_MODEL", str(DEFAULT_MODEL_DIR))
    assert main(["models", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [v["version"] for v in listed if v["in_use"]] == [0]
    assert main(["models", "list"]) == 0
    assert "(version 0)" in capsys.readouterr().out


def test_without_an_override_the_active_version_is_in_use_and_no_note_is_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MODLENS_MODEL", raising=False)
    assert main(["models", "list"]) == 0
    assert "MODLENS_MODEL" not in capsys.readouterr().out
    assert main(["models", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert all(v["in_use"] == v["active"] and v["override"] is None for v in listed)
