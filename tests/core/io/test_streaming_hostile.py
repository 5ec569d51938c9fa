"""The streaming reader of ``score`` on files that broke it: shifting JSON keys, NUL bytes, odd headers, long rows."""

from __future__ import annotations

import codecs
import io
import json
import random
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import core.io.textstream
from core.errors import InputError, LimitExceeded
from core.io.delimited import check_cells
from core.io.export import to_parquet_bytes
from core.io.limits import ReadLimits
from core.io.posts import read_posts
from core.io.streaming import ChunkWriter, iter_posts
from core.io.textstream import RowBound


def _jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


# -- 1. JSON Lines: every chunk has the first chunk's columns, in its order -----------------------
def test_jsonl_chunks_keep_the_first_chunks_columns_and_order(tmp_path: Path) -> None:
    records = [{"id": f"a{i}", "text": "hello", "author": "ann"} for i in range(4)]
    records += [{"text": "you idiot", "author": "bob", "id": "LAST"}, {"author": "carl", "id": "NOTEXT"}]
    chunks = list(iter_posts(_jsonl(tmp_path / "order.jsonl", records), chunk_rows=4))
    assert [list(chunk.frame.columns) for chunk in chunks] == [["id", "text", "author"]] * 2
    last = chunks[1].frame
    assert last["id"].tolist() == ["LAST", "NOTEXT"]
    assert last["author"].tolist() == ["bob", "carl"]
    assert chunks[1].texts == ["you idiot", ""]  # a line without the text key is an empty post, not a KeyError


def test_a_key_first_seen_after_the_first_chunk_is_left_out_with_a_note(tmp_path: Path) -> None:
    records = [{"id": i, "text": "hello"} for i in range(3)] + [{"id": 3, "text": "hi", "extra": "=1+1"}]
    records.append({"id": 4, "text": "hi", "extra": "x", "more": 1})
    chunks = list(iter_posts(_jsonl(tmp_path / "new_key.jsonl", records), chunk_rows=3))
    assert list(chunks[1].frame.columns) == ["id", "text"]
    assert chunks[0].notes == ()
    assert len(chunks[1].notes) == 2  # each key is named once, at the line where it first appears
    assert "'extra', first seen on line 4" in chunks[1].notes[0]
    assert "'more', first seen on line 5" in chunks[1].notes[1]
    assert "first 3 rows" in chunks[1].notes[0]


def test_a_csv_of_jsonl_chunks_has_every_value_under_its_own_header(tmp_path: Path) -> None:
    records = [{"id": f"a{i}", "text": "hello", "author": "ann"} for i in range(3)]
    records += [{"author": "bob", "text": "bye", "id": "LAST"}]
    out = tmp_path / "out.csv"
    with ChunkWriter(out) as writer:
        for posts in iter_posts(_jsonl(tmp_path / "posts.jsonl", records), chunk_rows=3):
            writer.write(posts.frame)
    back = pd.read_csv(out, dtype=str)
    assert back.iloc[-1].to_dict() == {"id": "LAST", "text": "bye", "author": "bob"}


def test_the_chunk_writer_refuses_a_chunk_with_other_columns(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="differ"), ChunkWriter(tmp_path / "out.csv") as writer:
        writer.write(pd.DataFrame({"a": [1], "b": [2]}))
        writer.write(pd.DataFrame({"b": [3], "a": [4]}))
    assert not (tmp_path / "out.csv").exists()


# -- 2. NUL bytes are removed as the file streams, BOM or not -------------------------------------
@pytest.mark.parametrize(
    ("prefix", "codec"),
    [
        (b"", "utf-8"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_nul_bytes_are_removed_with_the_whole_file_readers_note(tmp_path: Path, prefix: bytes, codec: str) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(prefix + "id,text\n1,you are an \x00idiot\n2,he\x00llo\x00\n".encode(codec))
    chunks = list(iter_posts(path))
    assert [t for chunk in chunks for t in chunk.texts] == ["you are an idiot", "hello"]
    assert chunks[0].notes == read_posts(path).notes == ("Removed 3 NUL byte(s) from the file.",)


def test_a_file_with_a_nul_byte_streams_past_the_whole_file_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def whole_file(*args: object, **kwargs: object) -> None:
        raise AssertionError("a text file with NUL bytes was read whole")

    monkeypatch.setattr("core.io.streaming.read_posts", whole_file)
    path = tmp_path / "big.jsonl"
    path.write_text('{"text": "a\\u0000"}\n' + '{"text": "he\x00llo"}\n' * 30, encoding="utf-8")
    limits = ReadLimits(max_rows=10, max_file_mb=0)
    chunks = list(iter_posts(path, chunk_rows=8, limits=limits))
    assert sum(len(chunk) for chunk in chunks) == 31
    assert chunks[-1].texts[-1] == "hello"
    assert chunks[0].notes == ("Removed 30 NUL byte(s) from the file.",)


# -- 3. Headers and cells that crashed the readers ------------------------------------------------
def test_a_first_row_longer_than_the_header_is_named(tmp_path: Path) -> None:
    path = tmp_path / "extra.csv"
    path.write_bytes(b"id,text\n1,hello,extra\n2,hi\n")
    with pytest.raises(InputError, match="Line 2 has 3 fields but the header has 2"):
        list(iter_posts(path))


@pytest.mark.parametrize(
    ("name", "content"),
    [("dup.csv", b"text, text\nhello,world\n"), ("dup.jsonl", b'{"text": "a", " text": "b"}\n')],
)
def test_column_names_equal_once_stripped_are_refused(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match="Column names must be unique; repeated: 'text'"):
        list(iter_posts(path))


def test_categorical_text_columns_are_read_and_bounded(tmp_path: Path) -> None:
    path = tmp_path / "cat.parquet"
    frame = pd.DataFrame({"text": pd.Categorical(["hello", "bye", "hello"]), "tag": pd.Categorical(["=1+1", "x", "x"])})
    frame.to_parquet(path)
    assert [t for chunk in iter_posts(path) for t in chunk.texts] == ["hello", "bye", "hello"]
    with pytest.raises(LimitExceeded, match="A cell holds 5 characters; the limit is 4"):
        check_cells(frame, ReadLimits(max_cell_chars=4))
    unused = pd.DataFrame({"text": pd.Categorical(["ok"], categories=["ok", "x" * 10])})
    check_cells(unused, ReadLimits(max_cell_chars=4))  # only the values used count


def test_mixed_types_are_written_to_parquet_as_text(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "mixed.jsonl", [{"id": 1, "text": "hello"}, {"id": "x7", "text": "bye", "n": [1]}])
    out = tmp_path / "out.parquet"
    with ChunkWriter(out) as writer:
        for posts in iter_posts(path):
            writer.write(posts.frame)
    assert pd.read_parquet(out)["id"].tolist() == ["1", "x7"]
    frame = pd.DataFrame({"id": [1, "x7", None], "n": [{"a": 1}, "b", 2.5]})
    back = pq.read_table(io.BytesIO(to_parquet_bytes(frame))).to_pydict()
    assert back == {"id": ["1", "x7", None], "n": ['{"a": 1}', "b", "2.5"]}


# -- 4. A row spanning lines is bounded before pandas builds it -----------------------------------
@pytest.fixture
def mb_is_one_char(monkeypatch: pytest.MonkeyPatch) -> None:
    """``max_line_mb`` counts characters, so that small files pass it."""
    monkeypatch.setattr(core.io.textstream, "MB", 1)


def test_a_quoted_field_over_many_short_lines_is_refused_early(
    tmp_path: Path, mb_is_one_char: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "runaway.csv"
    path.write_text('id,text\n1,ok\n2,"never closed\n' + "short line\n" * 100_000 + "3,end\n", encoding="utf-8")
    given: list[int] = []  # characters handed to the parser when the row was refused
    refuse = RowBound._refuse

    def record(self: RowBound) -> None:
        given.append(self.offset)
        refuse(self)

    monkeypatch.setattr(RowBound, "_refuse", record)
    with pytest.raises(LimitExceeded, match="The row starting on line 3 is longer than 1000 MB"):
        list(iter_posts(path, limits=ReadLimits(max_line_mb=1_000)))
    assert given and given[0] < path.stat().st_size // 2  # before the parser had the whole field


def test_rows_within_the_bound_are_read_as_before(tmp_path: Path, mb_is_one_char: None) -> None:
    path = tmp_path / "fine.csv"
    frame = pd.DataFrame({"id": range(300), "text": ['line one\nline "two", three'] * 300})
    frame.to_csv(path, index=False)
    chunks = list(iter_posts(path, chunk_rows=100, limits=ReadLimits(max_line_mb=40)))
    assert [t for chunk in chunks for t in chunk.texts] == frame["text"].tolist()


def _longest_quoted_row(text: str, delimiter: str) -> int:
    """Reference, one character at a time: the longest span from a row's start to a closing quote (or the end)."""
    longest, row_start, state = 0, 0, "start"
    for i, char in enumerate(text):
        if state == "quoted":
            state = "quote" if char == '"' else "quoted"
            continue
        if state == "quote" and char == '"':
            state = "quoted"
            continue
        if state == "quote":
            longest = max(longest, i - 1 - row_start)
        if state == "start" and char == '"':
            state = "quoted"
        elif char in (delimiter, "\n", "\r"):
            state = "start"
            row_start = i + 1 if char == "\n" else row_start
        else:
            state = "field"
    if state in ("quoted", "quote"):
        longest = max(longest, len(text) - (state == "quote") - row_start)
    return longest


@pytest.mark.parametrize("seed", range(40))
def test_the_row_bound_follows_quotes_like_the_parser(seed: int, mb_is_one_char: None) -> None:
    rng = random.Random(seed)
    pieces = ["a", "b", ",", '"', '""', "\n", "\r\n", " "]
    text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 400)))
    longest = _longest_quoted_row(text, ",")
    for limit in (max(longest - 1, 1), longest):
        rows = RowBound(",", ReadLimits(max_line_mb=limit))
        cuts = sorted(rng.sample(range(1, len(text) + 1), min(len(text), rng.randint(1, 30))))
        blocks = [text[a:b] for a, b in zip([0, *cuts], cuts, strict=False)] + [text[cuts[-1] :]]
        refused = False
        try:
            for block in blocks:
                rows.feed(block)
        except LimitExceeded:
            refused = True
        assert refused == (longest > limit), (text, limit, longest)
