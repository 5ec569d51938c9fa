"""``train`` refuses an output it could not write, and ambiguous set names, before training (exit 2, one line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.cli import main

POSTS = "text,toxic,hate\nyou idiot,1,0\nhello there,0,0\nthey are vermin,1,1\nnice day,0,0\n"


@pytest.fixture
def no_training(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("training started although the request could not succeed")

    monkeypatch.setattr("core.model.classifier.ToxicityClassifier.fit", refuse)


@pytest.mark.parametrize(
    ("out", "files", "message"),
    [
        ("posts.csv/model", ["posts.csv"], "is a file, not a folder"),
        ("model", ["a/posts.csv", "b/posts.csv"], "Two training sets would be named 'posts'"),
    ],
    ids=["output under a file", "two files of one name"],
)
def test_train_refuses_before_training(
    tmp_path: Path,
    no_training: None,
    capsys: pytest.CaptureFixture[str],
    out: str,
    files: list[str],
    message: str,
) -> None:
    data = []
    for name in files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(POSTS)
        data += ["--data", str(path)]
    code = main(["train", *data, "--out", str(tmp_path / out), "--preset", "seed"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert message in err


def test_an_empty_label_column_mapping_is_refused(
    tmp_path: Path, no_training: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--label-col toxic=`` was ignored silently: the label was read from whatever column matched by name."""
    data = tmp_path / "posts.csv"
    data.write_text(POSTS)
    code = main(
        ["train", "--data", str(data), "--out", str(tmp_path / "m"), "--label-col", "toxic=", "--preset", "seed"]
    )
    err = capsys.readouterr().err
    assert code == 2 and "--label-col 'toxic=' must be LABEL=COLUMN" in err, err
