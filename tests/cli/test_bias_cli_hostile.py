"""``python -m core bias`` with hostile identity column names and out-of-range resamples."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import core.cli.common
from core.cli import main

ESCAPE = "\x1b]0;owned\x07\x1b[31mred"
"""A column name that would retitle the terminal and turn its text red."""


class FakeModel:
    """Stands in for ToxicityClassifier: one label, 'awful' posts score high."""

    def __init__(self) -> None:
        self.labels_ = ["toxic"]
        self.thresholds_ = {"toxic": 0.5}

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.array([[0.2 + 0.6 * ("awful" in t)] for t in texts])


@pytest.fixture
def hostile_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "posts.csv"
    pd.DataFrame(
        {
            "text": ["awful people", "nice day", "awful weather", "lovely", "you are awful", "hello"] * 2,
            "toxic": [1, 0, 0, 0, 1, 0] * 2,
            ESCAPE: [1, 1, 0, 0, 1, 0] * 2,
            "line\nbreak": [0, 1, 1, 0, 0, 1] * 2,
        }
    ).to_csv(path, index=False)
    monkeypatch.setattr(core.cli.common, "load_model_from_args", lambda args: FakeModel())
    return path


def test_control_characters_of_column_names_do_not_reach_the_terminal(
    hostile_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["bias", str(hostile_file), "--label-col", "toxic", "--group-cols", f"{ESCAPE},line\nbreak"]
    code = main([*argv, "--bootstrap", "10", "--min-group-size", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]0;owned\\x07\\x1b[31mred" in out  # shown, escaped
    assert "line\\nbreak: no positive posts" in out  # the note stays on one line
    assert all(not line.startswith("break") for line in out.splitlines())


@pytest.mark.parametrize("resamples", ["-1", "10001", "100000000"])
def test_too_many_or_negative_resamples_exit_2_with_one_line(
    hostile_file: Path, capsys: pytest.CaptureFixture[str], resamples: str
) -> None:
    code = main(["bias", str(hostile_file), "--label-col", "toxic", "--group-cols", "toxic", "--bootstrap", resamples])
    err = capsys.readouterr().err
    assert code == 2 and err == f"error: --bootstrap must be from 0 to 10000, got {resamples}.\n"


def test_min_group_size_below_one_exits_2(hostile_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["bias", str(hostile_file), "--label-col", "toxic", "--group-cols", "toxic", "--min-group-size", "0"])
    assert code == 2 and capsys.readouterr().err == "error: --min-group-size must be at least 1, got 0.\n"
