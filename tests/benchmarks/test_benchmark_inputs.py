"""Benchmarks stop with one line when their data is missing, and compare like with like (no data read here)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import benchmarks.score_throughput as throughput
from benchmarks.shared_data import DATA

ROOT = Path(__file__).resolve().parents[2]


def test_the_default_data_folder_is_shared_data_beside_the_repository() -> None:
    assert ROOT.parent / "shared" / "data" == DATA


def test_missing_data_is_one_line_and_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(throughput, "DATA", tmp_path)
    with pytest.raises(SystemExit) as stopped:
        throughput.texts("short")
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {tmp_path / 'davidson' / 'labeled_data.csv.gz'} not found")


def test_redaction_benchmark_stops_cleanly_without_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import benchmarks.redaction as redaction

    monkeypatch.setattr(redaction, "DATA", tmp_path)
    with pytest.raises(SystemExit) as stopped:
        redaction.real_posts(5)
    assert stopped.value.code == 2 and "text_comment_1.csv.gz not found" in capsys.readouterr().err


@pytest.mark.parametrize("module", ["heldout_compare", "model_targets"])
def test_model_benchmarks_check_the_data_before_loading_models(
    tmp_path: Path, module: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib

    main = importlib.import_module(f"benchmarks.{module}").main
    with pytest.raises(SystemExit) as stopped:  # the model folders do not exist: they must not be loaded first
        main([str(tmp_path / "no-model-a"), str(tmp_path / "no-model-b"), "--data-dir", str(tmp_path)])
    assert stopped.value.code == 2
    assert f"no public data set in '{tmp_path}'" in capsys.readouterr().err


def test_explain_latency_checks_its_data_file_before_loading_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks.explain_latency import main

    with pytest.raises(SystemExit) as stopped:
        main(["--data", str(tmp_path / "comments.csv"), "--model", str(tmp_path / "no-model")])
    assert stopped.value.code == 2 and f"{tmp_path / 'comments.csv'} not found" in capsys.readouterr().err


def test_a_missing_git_revision_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        throughput.before_checkout("no-such-revision-0123", tmp_path / "before")
    assert stopped.value.code == 2
    assert capsys.readouterr().err.startswith("error: cannot extract revision 'no-such-revision-0123'")


def test_a_failed_scoring_run_reports_its_exit_code(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"failed \(exit code 2\)"):
        throughput.run_cli(ROOT, tmp_path / "missing.csv", tmp_path / "out.csv", ROOT / "assets" / "model", [])


def test_ray_scaling_compares_the_same_posts_with_the_same_model(tmp_path: Path) -> None:
    from benchmarks.ray_scaling import local_command, write_inputs

    posts = [f"post {i}" for i in range(7)]
    everything = write_inputs(posts, 10, 4, tmp_path)
    files = sorted((tmp_path / "in").glob("*.csv"))
    frames = [pd.read_csv(file) for file in files]
    assert [len(frame) for frame in frames] == [2, 3, 2, 3]  # every file has posts
    assert everything.parent == tmp_path and not everything.is_relative_to(tmp_path / "in")
    together = pd.read_csv(everything)
    pd.testing.assert_frame_equal(pd.concat(frames, ignore_index=True), together)
    assert together["text"].tolist() == (posts * 2)[:10]
    command = local_command(everything, tmp_path / "local.csv", tmp_path / "model")
    assert command[command.index("--model") + 1] == str(tmp_path / "model")
    assert command[command.index("score") + 1] == str(everything)
