"""One error policy: user errors are core.errors classes; post text never reaches logs or bug reports."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

from core.cli import main
from tests.ui.fake_model import KeywordModel

CORE = Path(__file__).resolve().parents[2] / "core"
SECRET = "zq-private-post-7731"


def _exception_classes() -> list[str]:
    found = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                if any(b.endswith(("Error", "Exception", "Exceeded", "Denied", "Cancelled")) for b in bases):
                    found.append(f"{path.relative_to(CORE.parent)}:{node.name}")
    return found


def test_every_error_class_is_defined_in_core_errors() -> None:
    assert all(entry.startswith("core/errors.py:") for entry in _exception_classes()), _exception_classes()


def test_core_bias_raises_only_modlens_errors() -> None:
    for path in (CORE / "bias").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                name = getattr(node.exc.func, "id", "")
                assert name not in {"ValueError", "TypeError", "KeyError", "RuntimeError"}, f"{path}:{node.lineno}"


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> KeywordModel:
    model = KeywordModel()
    for module in ("core.cli.common", "core.cli.score", "core.cli.evaluate"):
        monkeypatch.setattr(f"{module}.load_model_from_args", lambda args: model)
    return model


def test_post_text_never_reaches_logs_or_stderr(
    tmp_path: Path, fake_model: KeywordModel, caplog: pytest.LogCaptureFixture, capsys, monkeypatch
) -> None:
    source = tmp_path / "posts.csv"
    source.write_text(f"text,gold\n{SECRET} idiot,1\nhello {SECRET},0\n=cmd {SECRET},1\n\n")
    caplog.set_level(logging.DEBUG)
    runs = [
        ["score", str(source), "-o", str(tmp_path / "s.csv")],
        ["evaluate", str(source), "--label-col", "gold"],
        ["bias", str(source), "--label-col", "gold", "--bootstrap", "0"],
        ["explain", str(source), "-o", str(tmp_path / "e.csv"), "--max-evals", "20"],
    ]
    for argv in runs:
        assert main(argv) == 0
        assert SECRET not in capsys.readouterr().err
    assert SECRET not in caplog.text

    def bug(*args: object, **kwargs: object) -> None:
        raise ValueError(f"could not convert string to float: '{SECRET}'")

    monkeypatch.setattr("core.cli.score.score_posts", bug)
    assert main(["score", str(source), "-o", str(tmp_path / "t.csv")]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("error: unexpected ValueError at core/cli/score.py:") and SECRET not in err
