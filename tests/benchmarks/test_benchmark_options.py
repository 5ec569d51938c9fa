"""Benchmark options that would crash later (no timings, no rows, an unknown long-post rule) stop with one line."""

from __future__ import annotations

from pathlib import Path

import pytest


def _refused(call, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        call()
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    return err[-1]


@pytest.mark.parametrize(
    "argv", [["--n-latency", "0"], ["--n-latency", "-3"], ["--n-global", "-1"], ["--batch-size", "0"]]
)
def test_explain_latency_refuses_counts_that_leave_nothing_to_time(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks.explain_latency import parse_args

    line = _refused(lambda: parse_args(argv), capsys)
    assert line.startswith("explain_latency.py: error:") or "error:" in line
    assert argv[0] in line
    assert parse_args(["--n-reference", "0"]).n_reference == 0  # 0 still skips a section


def test_post_markers_refuses_zero_rows_before_loading_the_model(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import benchmarks.post_markers as markers
    from core.model import classifier

    def no_load(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(classifier.ToxicityClassifier, "load", no_load)
    assert "--rows" in _refused(lambda: markers.main(["--rows", "0"]), capsys)


def test_heldout_compare_refuses_an_unknown_long_post_rule_before_reading_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks.heldout_compare import main

    argv = [str(tmp_path / "a"), str(tmp_path / "b"), "--data-dir", str(tmp_path), "--long-posts", "first", "all"]
    line = _refused(lambda: main(argv), capsys)
    assert "--long-posts" in line and "'all'" in line
    assert "--resamples" in _refused(lambda: main([*argv[:4], "--resamples", "0"]), capsys)
