"""``score`` on files that broke it: each ends with the user's file written, or one actionable line and exit 2."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd
import pytest

import core.cli.score
from core.cli import main
from core.io.streaming import iter_posts
from tests.ui.fake_model import KeywordModel


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> KeywordModel:
    """The keyword fake instead of the LSTM (no TensorFlow), and chunks of 3 rows."""
    model = KeywordModel()
    monkeypatch.setattr("core.cli.score.load_model_from_args", lambda args: model)
    monkeypatch.setattr(core.cli.score, "iter_posts", functools.partial(iter_posts, chunk_rows=3))
    return model


def _score(source: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["score", str(source), "-o", str(out)])
    return code, capsys.readouterr().err


def test_jsonl_values_stay_under_their_columns_after_the_first_chunk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [{"id": f"a{i}", "text": "hello there", "author": "ann"} for i in range(3)]
    lines += [
        {"text": "you idiot", "author": "bob", "id": "LAST"},
        {"text": "second", "id": "LAST2", "author": "carl", "extra": "=1+1"},
        {"id": "NOTEXT", "author": "dan"},
    ]
    source = tmp_path / "order.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    code, err = _score(source, tmp_path / "out.csv", capsys)
    assert code == 0, err
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(out.columns) == ["id", "text", "author", "score_toxic", "flag_toxic", "score_hate", "flag_hate"]
    assert out[["id", "text", "author", "flag_toxic"]].iloc[3:].values.tolist() == [
        ["LAST", "you idiot", "bob", "1"],
        ["LAST2", "second", "carl", "0"],
        ["NOTEXT", "", "dan", "0"],
    ]
    assert "note: Left out key(s) 'extra', first seen on line 5" in err


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_nul_bytes_are_removed_and_noted_with_or_without_a_bom(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bom: bytes
) -> None:
    source = tmp_path / "nul.csv"
    source.write_bytes(bom + b"id,text,author\n1,you are an \x00idiot,ann\n2,hello,bob\n")
    code, err = _score(source, tmp_path / "out.csv", capsys)
    assert code == 0, err
    written = (tmp_path / "out.csv").read_bytes()
    assert b"\x00" not in written
    assert b"1,you are an idiot,ann," in written
    assert "note: Removed 1 NUL byte(s) from the file." in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("extra.csv", b"id,text\n1,hello,extra\n2,hi\n", "Line 2 has 3 fields but the header has 2"),
        ("dup.csv", b"text, text\nhello,world\n", "Column names must be unique; repeated: 'text'"),
        ("dup.jsonl", b'{"text": "a", " text": "b"}\n', "Column names must be unique; repeated: 'text'"),
    ],
)
def test_bad_headers_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    code, err = _score(source, tmp_path / "out.csv", capsys)
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert message in err
    assert not (tmp_path / "out.csv").exists()


def test_a_categorical_parquet_is_scored_with_its_formulas_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "cat.parquet"
    pd.DataFrame({"text": pd.Categorical(["hello", "you idiot"]), "tag": pd.Categorical(["=1+1", "x"])}).to_parquet(
        source
    )
    code, err = _score(source, tmp_path / "out.csv", capsys)
    assert code == 0, err
    out = pd.read_csv(tmp_path / "out.csv", dtype=str)
    assert out["tag"].tolist() == ["'=1+1", "x"]
    assert out["flag_toxic"].tolist() == ["0", "1"]


def test_a_column_of_numbers_and_text_is_written_to_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_text('{"id": 1, "text": "hello"}\n{"id": "x7", "text": "bye"}\n')
    code, err = _score(source, tmp_path / "out.parquet", capsys)
    assert code == 0, err
    out = pd.read_parquet(tmp_path / "out.parquet")
    assert out["id"].tolist() == ["1", "x7"]
    assert list(out.columns) == ["id", "text", "score_toxic", "flag_toxic", "score_hate", "flag_hate"]
