"""Parquet text stored as binary (Hive, Impala, older Spark) is read as text, not as ``b'...'``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from core.io.export import write_table
from core.io.posts import read_posts
from core.io.streaming import ChunkWriter, iter_posts


def _binary_parquet(path: Path) -> Path:
    table = pa.table(
        {
            "text": pa.array([b"you idiot", None, "caf\u00e9".encode(), b"\xff\xfe"], pa.binary()),
            "tag": pa.array([b"a", b"b", b"c", b"d"], pa.large_binary()),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=2)
    path.write_bytes(buffer.getvalue())
    return path


def test_binary_columns_are_decoded_as_utf8(tmp_path: Path) -> None:
    posts = read_posts(_binary_parquet(tmp_path / "hive.parquet"))
    assert posts.texts == ["you idiot", "", "café", "\ufffd\ufffd"]
    assert posts.frame["tag"].tolist() == ["a", "b", "c", "d"]


def test_binary_text_can_be_written_as_json_lines(tmp_path: Path) -> None:
    source = _binary_parquet(tmp_path / "hive.parquet")
    out = tmp_path / "out.jsonl"
    with ChunkWriter(out) as writer:
        for posts in iter_posts(source):
            writer.write(posts.frame)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["text"] for row in rows] == ["you idiot", None, "café", "\ufffd\ufffd"]
    write_table(read_posts(source).frame, tmp_path / "whole.jsonl")
    assert "café" in (tmp_path / "whole.jsonl").read_text(encoding="utf-8")
