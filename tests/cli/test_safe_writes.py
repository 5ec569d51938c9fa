"""The CLI never destroys what it did not create: the input, a user's folder, a file, a system folder."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from core.cli import main
from tests.ui.fake_model import KeywordModel


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a command loads a model: its checks must come first."""

    def refuse(args: object) -> None:
        raise AssertionError("the model was loaded before the output path was checked")

    monkeypatch.setattr("core.cli.score.load_model_from_args", refuse)


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> KeywordModel:
    model = KeywordModel()
    monkeypatch.setattr("core.cli.score.load_model_from_args", lambda args: model)
    return model


def _posts(path: Path, rows: int = 3) -> Path:
    pd.DataFrame({"id": range(rows), "text": [f"post {i} idiot" for i in range(rows)]}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("link", ["same", "symlink", "hardlink"])
def test_score_refuses_an_output_that_is_the_input(tmp_path: Path, no_model: None, capsys, link: str) -> None:
    source = _posts(tmp_path / "posts.csv")
    before = source.read_bytes()
    output = tmp_path / "out.csv"
    if link == "same":
        output = source
    elif link == "symlink":
        output.symlink_to(source)
    else:
        os.link(source, output)
    code = main(["score", str(source), "-o", str(output)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "is the input file" in err and "Choose another output path" in err
    assert source.read_bytes() == before


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("missing/out.csv", "does not exist"),
        ("out.txt", "use an output ending in .csv, .parquet, .jsonl"),
        (".", "is a folder"),
        ("/usr/out.csv", "system folder"),
    ],
)
def test_score_checks_the_output_before_loading_the_model(
    tmp_path: Path, no_model: None, capsys, output: str, message: str
) -> None:
    source = _posts(tmp_path / "posts.csv")
    target = output if output.startswith("/") else str(tmp_path / output)
    code = main(["score", str(source), "-o", target])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1


def test_score_error_at_line_60002_leaves_no_output(tmp_path: Path, fake_model: KeywordModel, capsys) -> None:
    source = tmp_path / "posts.csv"
    lines = ["id,text"] + [f"{i},post {i}" for i in range(120_000)]
    lines[60_001] = "60000,a post,with an extra field"  # line 60,002 of the file
    source.write_text("\n".join(lines) + "\n")
    output = tmp_path / "scored.csv"
    code = main(["score", str(source), "-o", str(output)])
    err = capsys.readouterr().err
    assert code == 2 and "Line 60002" in err
    assert not output.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["posts.csv"]


def test_score_still_writes_a_complete_output(tmp_path: Path, fake_model: KeywordModel) -> None:
    source = _posts(tmp_path / "posts.csv", rows=5)
    output = tmp_path / "scored.csv"
    output.write_text("old results\n")
    assert main(["score", str(source), "-o", str(output)]) == 0
    assert len(pd.read_csv(output)) == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["posts.csv", "scored.csv"]


@pytest.fixture
def no_training(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    calls: list[object] = []

    def train(request: object, **kwargs: object) -> SimpleNamespace:
        calls.append(request)
        return SimpleNamespace(thresholds_={"toxic": 0.5})

    monkeypatch.setattr("core.training.pipeline.train", train)
    return calls


def _train(tmp_path: Path, out: str | Path, *extra: str) -> int:
    data = tmp_path / "train.csv"
    if not data.exists():
        pd.DataFrame({"text": ["a", "b"], "toxic": [0, 1]}).to_csv(data, index=False)
    return main(["train", "--data", str(data), "--out", str(out), *extra])


def test_train_refuses_a_users_non_empty_folder(tmp_path: Path, no_training: list[object], capsys) -> None:
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "chapter1.docx").write_text("two years of work")
    assert _train(tmp_path, folder, "--overwrite") == 2
    err = capsys.readouterr().err
    assert "not a ModLens model directory" in err and "chapter1.docx" in err
    assert (folder / "chapter1.docx").read_text() == "two years of work"
    assert no_training == []


def test_train_refuses_a_regular_file(tmp_path: Path, no_training: list[object], capsys) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    assert _train(tmp_path, target, "--overwrite") == 2
    assert "is a file" in capsys.readouterr().err
    assert target.read_text() == "keep me" and no_training == []


@pytest.mark.parametrize("target", ["/", "/usr", "/usr/../usr/lib", "~", "/tmp", "/etc/modlens"])
def test_train_refuses_system_folders_and_home(tmp_path: Path, no_training: list[object], capsys, target: str) -> None:
    assert _train(tmp_path, os.path.expanduser(target), "--overwrite") == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Refusing to use") and err.count("\n") == 1
    assert no_training == []


def test_train_needs_overwrite_to_replace_a_model_directory(
    tmp_path: Path, tiny_model_dir: Path, no_training: list[object], capsys
) -> None:
    import shutil

    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    assert _train(tmp_path, model) == 2
    assert "--overwrite" in capsys.readouterr().err and no_training == []
    assert _train(tmp_path, model, "--overwrite") == 0
    assert len(no_training) == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _train(tmp_path, empty) == 0  # an empty folder holds nothing to lose


def test_explain_refuses_an_output_that_is_the_input(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr("core.cli.common.load_model_from_args", lambda args: pytest.fail("model loaded first"))
    source = _posts(tmp_path / "posts.csv")
    before = source.read_bytes()
    assert main(["explain", str(source), "-o", str(source)]) == 2
    assert "is the input file" in capsys.readouterr().err
    assert source.read_bytes() == before
