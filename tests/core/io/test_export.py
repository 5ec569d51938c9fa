from __future__ import annotations

import io

import pandas as pd
import pyarrow.parquet as pq
import pytest

from core.errors import ModLensError
from core.io.export import escape_cell, escape_formulas, to_csv_bytes, to_parquet_bytes, write_table


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("-12.5", "-12.5"),
        ("+7", "+7"),
        ("hello = world", "hello = world"),
        (3, 3),
    ],
)
def test_escape_cell(value: object, expected: object) -> None:
    assert escape_cell(value) == expected


def test_csv_export_escapes_text_but_not_scores() -> None:
    frame = pd.DataFrame({"text": ["=1+1", "fine"], "score_toxic": [0.5, -0.0]})
    assert escape_formulas(frame)["text"].tolist() == ["'=1+1", "fine"]
    back = pd.read_csv(io.BytesIO(to_csv_bytes(frame)))
    assert back["text"].tolist() == ["'=1+1", "fine"]
    assert back["score_toxic"].tolist() == [0.5, 0.0]
    raw = pd.read_csv(io.BytesIO(to_csv_bytes(frame, raw=True)))
    assert raw["text"].tolist() == ["=1+1", "fine"]


def test_parquet_carries_thresholds() -> None:
    data = to_parquet_bytes(pd.DataFrame({"a": [1]}), metadata={"thresholds": {"toxic": 0.4}})
    table = pq.read_table(io.BytesIO(data))
    assert b'"toxic": 0.4' in table.schema.metadata[b"modlens"]


def test_write_table_by_suffix(tmp_path) -> None:
    frame = pd.DataFrame({"text": ["@user hi"], "score_toxic": [0.1]})
    write_table(frame, tmp_path / "o.jsonl")
    assert (tmp_path / "o.jsonl").read_text().startswith('{"text":"@user hi"')
    write_table(frame, tmp_path / "o.parquet")
    assert pd.read_parquet(tmp_path / "o.parquet")["text"].tolist() == ["@user hi"]
    write_table(frame, tmp_path / "o.csv")
    assert "'@user hi" in (tmp_path / "o.csv").read_text()
    with pytest.raises(ModLensError, match="use an output ending in"):
        write_table(frame, tmp_path / "o.xlsx")
    with pytest.raises(ModLensError, match="does not exist"):
        write_table(frame, tmp_path / "missing" / "o.csv")


def test_header_cells_are_escaped_in_every_csv_writer(tmp_path) -> None:
    from core.io.streaming import ChunkWriter

    frame = pd.DataFrame({'=HYPERLINK("http://x")': ["a"], "@cmd": ["=1+1"], "text": ["b"]})
    header = to_csv_bytes(frame).decode().splitlines()[0]
    assert header == '"\'=HYPERLINK(""http://x"")",\'@cmd,text'
    assert to_csv_bytes(frame, raw=True).decode().startswith('"=HYPERLINK')
    write_table(frame, tmp_path / "t.csv")
    assert list(pd.read_csv(tmp_path / "t.csv").columns) == ['\'=HYPERLINK("http://x")', "'@cmd", "text"]
    with ChunkWriter(tmp_path / "c.csv") as writer:
        writer.write(frame)
        writer.write(frame)
    back = pd.read_csv(tmp_path / "c.csv")
    assert list(back.columns) == ['\'=HYPERLINK("http://x")', "'@cmd", "text"] and len(back) == 2
    assert list(frame.columns)[1] == "@cmd"  # the caller's frame is unchanged
