"""``score`` / ``evaluate`` options and messages: escaped file text, cluster options, empty files, quiet pipes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core.cli import main
from core.cli.common import progress_bar
from tests.ui.fake_model import KeywordModel


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> KeywordModel:
    model = KeywordModel()
    for module in ("core.cli.score", "core.cli.evaluate"):
        monkeypatch.setattr(f"{module}.load_model_from_args", lambda args: model)
    monkeypatch.setattr("core.cli.score._one_thread_per_op", lambda: None)
    return model


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(args: object) -> None:
        raise AssertionError("the model was loaded for an input that was going to be refused")

    monkeypatch.setattr("core.cli.score.load_model_from_args", refuse)


def test_errors_quoting_column_names_escape_control_characters(tmp_path: Path, fake_model, capsys) -> None:
    source = tmp_path / "posts.csv"
    source.write_text("text,\x1b]0;owned\x07\x1b[2J\nhello,1\n")
    assert main(["evaluate", str(source), "--label-col", "toxic"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b]0;owned\\x07\\x1b[2J" in err and err.count("\n") == 1


def test_usage_errors_escape_control_characters(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["models", "list", "\x1b[2J"])  # argparse names unrecognized arguments as typed
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "\x1b" not in err and "\\x1b[2J" in err


def test_evaluate_escapes_a_model_label(tmp_path: Path, fake_model: KeywordModel, capsys) -> None:
    fake_model.labels_ = ["toxic", "ha\x1b[2Jte"]
    fake_model.thresholds_ = {"toxic": 0.5, "ha\x1b[2Jte": 0.5}
    source = tmp_path / "posts.csv"
    source.write_text("text,toxic\nyou idiot,1\nhello,0\n")
    assert main(["evaluate", str(source), "--label-col", "toxic", "--label", "ha\x1b[2Jte"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "ha\\x1b[2Jte" in out


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--actors", "0"], "--actors"),
        (["--actors", "4"], "--actors"),
        (["--cpus-per-actor", "2"], "--cpus-per-actor"),
        (["--address", "ray://head:10001", "--actors", "2"], "--address, --actors"),
    ],
)
def test_cluster_options_without_engine_ray_are_refused(
    tmp_path: Path, no_model: None, capsys, options: list[str], named: str
) -> None:
    source = tmp_path / "posts.csv"
    source.write_text("text\nhello\n")
    out = tmp_path / "out.csv"
    assert main(["score", str(source), "-o", str(out), *options]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {named}: for --engine ray only. Add --engine ray, or leave them out.\n"
    assert not out.exists()


def test_a_header_only_file_is_refused_before_the_model_loads(tmp_path: Path, no_model: None, capsys) -> None:
    source = tmp_path / "posts.csv"
    source.write_text("id,text\n")
    assert main(["score", str(source), "-o", str(tmp_path / "out.csv")]) == 2
    err = capsys.readouterr().err
    assert "has a header (id, text) but no rows" in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["posts.csv"]


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path, fake_model, capsys) -> None:
    with progress_bar(None) as bar:
        assert bar.disable
    source = tmp_path / "posts.csv"
    source.write_text("text\n" + "hello\n" * 5)
    assert main(["score", str(source), "-o", str(tmp_path / "out.csv")]) == 0
    assert capsys.readouterr().err == ""


def test_a_jsonl_key_null_in_its_first_rows_scores_to_parquet(tmp_path: Path, fake_model, monkeypatch) -> None:
    monkeypatch.setattr("core.cli.score.iter_posts", _small_chunks(2))
    source = tmp_path / "posts.jsonl"
    lines = [{"text": "hello", "reply_to": None}, {"text": "you idiot", "reply_to": None}, {"text": "x", "reply_to": 7}]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "out.parquet"
    assert main(["score", str(source), "-o", str(out)]) == 0
    table = pq.read_table(out)
    assert table.column("reply_to").to_pylist() == [None, None, "7"]
    assert table.column("flag_toxic").to_pylist() == [0, 1, 0]


def _small_chunks(rows: int):
    from core.io import streaming

    def chunks(path: Path, **kwargs: object):
        return streaming.iter_posts(path, chunk_rows=rows, **kwargs)

    return chunks


def test_binary_parquet_text_is_scored_as_text(tmp_path: Path, fake_model, capsys) -> None:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"text": pa.array([b"you idiot", b"\xff"], pa.binary())}), buffer)
    source = tmp_path / "hive.parquet"
    source.write_bytes(buffer.getvalue())
    out = tmp_path / "out.jsonl"
    assert main(["score", str(source), "-o", str(out)]) == 0, capsys.readouterr().err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(row["text"], row["flag_toxic"]) for row in rows] == [("you idiot", 1), ("\ufffd", 0)]
