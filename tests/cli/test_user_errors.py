"""Every error a user can cause ends the CLI with exit code 2 and one actionable line, never 'unexpected'."""

from __future__ import annotations

import codecs
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from tests.ui.fake_model import KeywordModel

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> KeywordModel:
    """Commands that need a model get the keyword fake (no TensorFlow)."""
    model = KeywordModel()
    for module in ("core.cli.common", "core.cli.score", "core.cli.evaluate"):
        monkeypatch.setattr(f"{module}.load_model_from_args", lambda args: model)
    return model


@pytest.fixture
def no_training(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("training started although the request was invalid")

    monkeypatch.setattr("core.model.classifier.ToxicityClassifier.fit", refuse)


FILES: dict[str, bytes] = {
    "unclosed.csv": b'id,text\n1,"never closed\n2,fine\n',
    "spaces.csv": b"   \n \t \n\n",
    "arrays.jsonl": b'{"text": "a"}\n[1, 2]\n"x"\n',
    "nanlabels.csv": b"text,gold\nyou idiot,\nnice day,\nhello,\n",
    "nolabels.csv": b"text,foo\nhello,1\nbad,0\n",
    "emptytext.csv": b"text,toxic\n,1\n  ,0\n,1\n",
    "good.csv": b"text,toxic\nyou idiot,1\nnice day,0\n",
}


def _files(tmp_path: Path) -> Path:
    for name, data in FILES.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


CASES = [
    (["score", "{d}/unclosed.csv", "-o", "{d}/out.csv"], "is never closed"),
    (["score", "{d}/spaces.csv", "-o", "{d}/out.csv"], "The file is empty"),
    (["score", "{d}/arrays.jsonl", "-o", "{d}/out.csv"], "line 2 is a JSON array, not an object"),
    (["evaluate", "{d}/arrays.jsonl", "--label-col", "text"], "line 2 is a JSON array, not an object"),
    (["evaluate", "{d}/nanlabels.csv", "--label-col", "gold"], "Column 'gold' has no labels"),
    (["bias", "{d}/nanlabels.csv", "--label-col", "gold"], "Column 'gold' has no labels"),
    (["train", "--data", "{d}/nanlabels.csv", "--label-col", "toxic=gold", "--out", "{d}/m"], "gold hold no labels"),
    (["train", "--data", "{d}/nolabels.csv", "--out", "{d}/m"], "has no label column for toxic, hate"),
    (["train", "--data", "{d}/good.csv", "--out", "{d}/m", "--labels", " , "], "--labels needs at least one"),
    (["train", "--data", "{d}/emptytext.csv", "--out", "{d}/m"], "every post in column 'text' is empty"),
    (["train", "--data", "{d}/good.csv", "--out", "{d}/m", "--batch-size", "0"], "batch_size must be"),
    (["train", "--data", "{d}/good.csv", "--out", "{d}/m", "--vocab-size", "0"], "vocab_size must be"),
    (["train", "--data", "{d}/good.csv", "--out", "{d}/m", "--learning-rate", "nan"], "learning_rate must be"),
    (["train", "--data", "{d}/good.csv", "--out", "{d}/m", "--dropout", "2"], "dropout must be"),
    (["bias", "{d}/good.csv", "--label-col", "toxic", "--threshold", "nan"], "--threshold must be between 0 and 1"),
    (["bias", "{d}/good.csv", "--label-col", "toxic", "--threshold", "1.5"], "--threshold must be between 0 and 1"),
    (["explain", "--text", "hi", "--max-evals", "0"], "max_evals must be a whole number"),
]


@pytest.mark.parametrize(("argv", "message"), CASES, ids=[" ".join(c[0][:2]) + f" {i}" for i, c in enumerate(CASES)])
def test_user_errors_exit_2_with_one_line(
    tmp_path: Path, fake_model: KeywordModel, no_training: None, capsys, argv: list[str], message: str
) -> None:
    folder = _files(tmp_path)
    code = main([arg.format(d=folder) for arg in argv])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "unexpected" not in err
    assert message in err
    assert not (folder / "out.csv").exists()


def test_utf32_files_are_read_as_utf32(tmp_path: Path, fake_model: KeywordModel, capsys) -> None:
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")):
        source = tmp_path / "posts.csv"
        source.write_bytes(bom + "id,text\n1,you idiot\n2,hello\n".encode(codec))
        assert main(["score", str(source), "-o", str(tmp_path / "out.jsonl")]) == 0
        rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
        assert [r["text"] for r in rows] == ["you idiot", "hello"]


def test_the_readers_notes_are_printed_to_stderr(tmp_path: Path, fake_model: KeywordModel, capsys) -> None:
    source = tmp_path / "posts.csv"
    source.write_bytes("id,text\n1,café idiot\n2,\n".encode("cp1252"))
    assert main(["score", str(source), "-o", str(tmp_path / "out.csv")]) == 0
    err = capsys.readouterr().err
    assert "note: The file is not UTF-8; it was read as Windows-1252" in err
    assert "note: 1 post(s) have empty text" in err
    source.write_bytes(b"id,text\n1,he\x00llo\n")
    assert main(["evaluate", str(source), "--label-col", "id"]) == 0
    assert "note: Removed 1 NUL byte(s)" in capsys.readouterr().err


# -- model directories with a damaged metadata.json ------------------------------------------------
BROKEN = {
    "thresholds-string": {"thresholds": "0.5"},
    "thresholds-not-numbers": {"thresholds": {"toxic": "high", "hate": 0.5}},
    "thresholds-nan": {"thresholds": {"toxic": float("nan"), "hate": 0.5}},
    "thresholds-outside": {"thresholds": {"toxic": 1.5, "hate": 0.5}},
    "labels-not-strings": {"labels": [1, 2]},
    "config-not-mapping": {"config": ["vocab_size", 10]},
    "config-bad-value": {"config": {"vocab_size": "big"}},
    "headline-not-mapping": {"headline": [0.9]},
    "name-not-string": {"name": {"first": "x"}},
}


def _broken_model(tiny_model_dir: Path, folder: Path, change: dict[str, object]) -> Path:
    model = folder / "model"
    shutil.copytree(tiny_model_dir, model)
    metadata = json.loads((model / "metadata.json").read_text())
    metadata.update(change)
    (model / "metadata.json").write_text(json.dumps(metadata))
    return model


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_metadata_of_the_wrong_type_is_a_one_line_error_naming_the_field(
    tmp_path: Path, tiny_model_dir: Path, capsys, case: str
) -> None:
    model = _broken_model(tiny_model_dir, tmp_path, BROKEN[case])
    source = tmp_path / "posts.csv"
    source.write_text("text\nhello\n")
    code = main(["score", str(source), "-o", str(tmp_path / "out.csv"), "--model", str(model)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "unexpected" not in err, err
    field = case.split("-")[0]
    assert f"'{field}'" in err and "metadata.json" in err, err


def test_models_list_shows_the_good_versions_and_flags_a_broken_one(tiny_model_dir: Path, capsys) -> None:
    from core.registry import ModelRegistry

    registry = ModelRegistry()
    good = registry.add(tiny_model_dir)
    broken = registry.add(tiny_model_dir)
    path = registry.path_of(broken) / "metadata.json"
    metadata = json.loads(path.read_text())
    metadata["thresholds"] = "0.5"
    path.write_text(json.dumps(metadata))
    capsys.readouterr()
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert any(line.split()[:2] == [str(good), "tiny-test-model"] for line in out), out
    flagged = [line for line in out if line.split()[:1] == [str(broken)]]
    assert flagged and "damaged" in flagged[0] and "thresholds" in flagged[0], out
    assert main(["models", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [v["version"] for v in listed] == [0, good, broken]
    assert listed[2]["error"] and listed[1]["error"] is None


def test_models_list_escapes_terminal_control_characters(tiny_model_dir: Path, tmp_path: Path, capsys) -> None:
    from core.registry import ModelRegistry

    registry = ModelRegistry()
    version = registry.add(tiny_model_dir)
    path = registry.path_of(version) / "metadata.json"
    metadata = json.loads(path.read_text())
    metadata["name"] = "evil\x1b[2J\x1b]0;pwned\x07\rname"
    path.write_text(json.dumps(metadata))
    capsys.readouterr()
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert "evil\\x1b[2J" in out


def test_a_real_process_exits_2_for_a_user_error(tmp_path: Path) -> None:
    folder = _files(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "core", "score", str(folder / "unclosed.csv"), "-o", str(folder / "out.csv")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: A quoted field") and result.stderr.count("\n") == 1
