"""Streamed Parquet output of columns whose type the first chunk cannot tell, and files without rows."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from core.errors import InputError
from core.io.streaming import ChunkWriter, iter_posts


def _jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def test_a_key_null_in_the_whole_first_chunk_is_written_as_text(tmp_path: Path) -> None:
    records: list[dict[str, object]] = [{"id": i, "text": "hello", "note": None} for i in range(3)]
    records += [{"id": 3, "text": "hi", "note": 7}, {"id": 4, "text": "hi", "note": {"a": "b"}}]
    records += [{"id": 5, "text": "hi", "note": "plain"}, {"id": 6, "text": "hi", "note": None}]
    out = tmp_path / "out.parquet"
    with ChunkWriter(out) as writer:
        for posts in iter_posts(_jsonl(tmp_path / "sparse.jsonl", records), chunk_rows=3):
            writer.write(posts.frame)
    table = pq.read_table(out)
    assert table.column("note").to_pylist() == [None, None, None, "7", '{"a": "b"}', "plain", None]
    assert table.column("id").to_pylist() == list(range(7))
    assert json.loads(table.schema.metadata[b"modlens"]) == {}


def test_a_number_column_that_turns_fractional_later_is_a_clear_error(tmp_path: Path) -> None:
    records = [{"id": i, "text": "hello", "weight": 1} for i in range(3)] + [{"id": 3, "text": "x", "weight": 1.5}]
    out = tmp_path / "out.parquet"
    message = r"Column 'weight' holds int64 .* rows 4 to 4.*-o out\.csv"
    with pytest.raises(InputError, match=message), ChunkWriter(out) as writer:
        for posts in iter_posts(_jsonl(tmp_path / "w.jsonl", records), chunk_rows=3):
            writer.write(posts.frame)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.jsonl"]


def test_sparse_numbers_stay_numbers(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    with ChunkWriter(out) as writer:
        writer.write(pd.DataFrame({"n": [1, 2]}))
        writer.write(pd.DataFrame({"n": [None, 3]}, dtype="float64"))
    assert pq.read_table(out).column("n").to_pylist() == [1, 2, None, 3]


def test_a_header_without_rows_yields_no_chunk(tmp_path: Path) -> None:
    source = tmp_path / "header.csv"
    source.write_text("id,text\n")
    chunks = iter_posts(source)
    with pytest.raises(InputError, match=r"has a header .* but no rows"):
        next(chunks)  # the first chunk already fails: a caller loads no model for an empty file


def test_notes_of_the_first_chunk_are_kept(tmp_path: Path) -> None:
    source = tmp_path / "cp.csv"
    source.write_bytes("id,text\n1,café\n".encode("cp1252"))
    first = next(iter_posts(source))
    assert any("Windows-1252" in note for note in first.notes)
