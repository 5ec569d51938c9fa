"""``train`` settings out of range end with exit 2 and one line before any training (they crashed or ran on)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.cli import main


@pytest.fixture
def no_training(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("training started although the request was invalid")

    monkeypatch.setattr("core.model.classifier.ToxicityClassifier.fit", refuse)


CASES = [
    (["--seeds", ","], "--seeds ',' must be integers"),
    (["--seeds", "13,13"], "lists a seed twice"),
    (["--debias", "--debias-sentences", "-5"], "--debias-sentences (sentences per phrase) must be a whole number"),
    (["--contrast", "-1"], "--contrast must be 0 (off)"),
    (["--dataset-weight", "posts=inf"], "must be NAME=W with W a number >= 0"),
    (["--dataset-weight", "posts=0"], "every training set a weight of 0"),
    (["--debias", "--identity-weight", "-1"], "--identity-weight must be a number from 0"),
    (["--debias", "--identity-weight", "nan"], "--identity-weight must be a number from 0"),
    (["--debias", "--identity-balance", "0.5"], "--identity-balance must be 0 (off) or at least"),
    (["--split-seed", "-1"], "--split-seed must be a whole number"),
    (["--labels", "toxic,toxic"], "Give each model label once"),
    (["--plateau-decay", "0"], "plateau_decay must be above 0"),
    (["--obfuscate", "1"], "--obfuscate must be a number from 0 up to but not including 1"),
    (["--identity-swap", "1.5"], "--identity-swap must be a number from 0 up to and including 1"),
]


@pytest.mark.parametrize(("extra", "message"), CASES, ids=[" ".join(case[0]) for case in CASES])
def test_out_of_range_training_settings_exit_2_with_one_line(
    tmp_path: Path, no_training: None, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    data = tmp_path / "posts.csv"
    data.write_text("text,toxic,hate\nyou idiot,1,0\nhello there,0,0\nthey are vermin,1,1\nnice day,0,0\n")
    code = main(["train", "--data", str(data), "--out", str(tmp_path / "model"), "--preset", "seed", *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert message in err
    assert not (tmp_path / "model").exists()
