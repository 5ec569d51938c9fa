"""A Parquet file is bounded by what it decodes to, not by what its footer claims.

A footer counts a value repeated in many rows once (dictionary, DELTA_BYTE_ARRAY or
fixed-size binary encoding), so a 0.5 kB file can claim 0.05 MB and decode to
gigabytes. These files are refused before the data is expanded.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core.errors import InputError, LimitExceeded
from core.io import parquet_reader
from core.io.limits import MB, ReadLimits
from core.io.posts import read_posts

ROOT = Path(__file__).resolve().parents[3]
POST = "x" * 50_000
ROWS = 400
"""Each hostile file below decodes to ROWS x 50 kB = 20 MB, its footer claims about 0.05 MB."""
SMALL = ReadLimits(max_uncompressed_mb=1)


def _parquet(table: pa.Table, **options: object) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, **{"compression": "zstd", **options})
    return buffer.getvalue()


def dictionary_text() -> bytes:
    return _parquet(pa.table({"text": [POST] * ROWS}))


def delta_text() -> bytes:
    table = pa.table({"text": [POST] * ROWS})
    return _parquet(table, use_dictionary=False, column_encoding={"text": "DELTA_BYTE_ARRAY"})


def categorical_text() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"text": pd.Categorical([POST] * ROWS)}).to_parquet(buffer)
    return buffer.getvalue()


def list_of_text() -> bytes:
    return _parquet(pa.table({"text": ["hi"], "junk": [[POST] * ROWS]}))


def struct_of_text() -> bytes:
    return _parquet(pa.table({"text": ["hi"] * ROWS, "meta": [{"note": POST}] * ROWS}))


def map_of_text() -> bytes:
    notes = pa.array([[("note", POST)]] * ROWS, pa.map_(pa.string(), pa.string()))
    return _parquet(pa.table({"text": ["hi"] * ROWS, "notes": notes}))


def fixed_size_binary() -> bytes:
    blob = pa.array([b"y" * len(POST)] * ROWS, pa.binary(len(POST)))
    return _parquet(pa.table({"text": ["hi"] * ROWS, "blob": blob}))


def list_of_delta_text() -> bytes:
    return _parquet(
        pa.table({"text": ["hi"], "junk": [[POST] * ROWS]}),
        use_dictionary=False,
        column_encoding={"text": "PLAIN", "junk.list.element": "DELTA_BYTE_ARRAY"},
    )


HOSTILE = [dictionary_text, delta_text, categorical_text, list_of_text, struct_of_text, map_of_text, fixed_size_binary]


def _footer_bytes(data: bytes) -> int:
    meta = pq.ParquetFile(io.BytesIO(data)).metadata
    return sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))


@contextmanager
def arrow_peak() -> Iterator[Callable[[], int]]:
    """Count pyarrow's allocations inside the block; yields a function returning their peak in bytes."""
    default = pa.default_memory_pool()
    pool = pa.proxy_memory_pool(default)
    pa.set_memory_pool(pool)
    try:
        yield pool.max_memory
    finally:
        pa.set_memory_pool(default)


@pytest.mark.parametrize("build", [*HOSTILE, list_of_delta_text])
def test_a_file_whose_footer_claims_little_is_refused_by_its_decoded_size(build: Callable[[], bytes]) -> None:
    data = build()
    assert len(data) < 5_000 and _footer_bytes(data) < 0.2 * MB  # the footer check alone lets it through
    with arrow_peak() as peak, pytest.raises(LimitExceeded, match="once decoded") as refused:
        read_posts(data, filename="p.parquet", limits=SMALL)
    assert "the limit is 1 MB" in str(refused.value)
    assert peak() < 3 * MB  # at most the limit plus one batch: the 20 MB are never expanded


@pytest.mark.parametrize("build", [*HOSTILE, list_of_delta_text])
def test_the_same_files_are_read_as_before_within_the_limit(build: Callable[[], bytes]) -> None:
    data = build()
    frame = read_posts(data, filename="p.parquet", limits=ReadLimits(max_uncompressed_mb=100)).frame
    pd.testing.assert_frame_equal(frame, pq.read_table(io.BytesIO(data)).to_pandas())


def test_a_long_cell_is_refused_before_the_column_is_expanded() -> None:
    data = dictionary_text()
    with arrow_peak() as peak, pytest.raises(LimitExceeded, match="A cell holds 50,000 characters"):
        read_posts(data, filename="p.parquet", limits=ReadLimits(max_cell_chars=10_000))
    assert peak() < 2 * MB


def test_many_rows_of_delta_text_are_read_a_few_at_a_time_or_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"post {i} " + "y" * 500 for i in range(2_000)]  # 1 MB of DELTA_BYTE_ARRAY text in one row group
    data = _parquet(pa.table({"text": texts}), use_dictionary=False, column_encoding={"text": "DELTA_BYTE_ARRAY"})
    limits = ReadLimits(max_uncompressed_mb=2)
    assert read_posts(data, filename="p.parquet", limits=limits).texts == texts
    monkeypatch.setattr(parquet_reader, "PARQUET_MAX_SMALL_BATCHES", 100)
    with pytest.raises(LimitExceeded, match="'text' is stored with DELTA_BYTE_ARRAY encoding in parts too large"):
        read_posts(data, filename="p.parquet", limits=limits)


def test_each_item_of_a_list_counts_as_a_cell() -> None:
    data = _parquet(pa.table({"text": ["a", "b"], "tags": [list(range(40))] * 2}))
    assert len(read_posts(data, filename="p.parquet", limits=ReadLimits(max_cells=100))) == 2
    with pytest.raises(LimitExceeded, match="82 values"):
        read_posts(data, filename="p.parquet", limits=ReadLimits(max_cells=60))


def test_reading_a_parquet_file_stops_after_the_time_limit() -> None:
    with pytest.raises(LimitExceeded, match="took longer than 0 s"):
        read_posts(dictionary_text(), filename="p.parquet", limits=ReadLimits(max_seconds=0))


def test_an_ordinary_file_reads_as_before() -> None:
    rows = 3_000
    frame = pd.DataFrame(
        {
            "text": [f"post {i} ünï 😀" if i % 7 else None for i in range(rows)],
            "toxic": [i % 2 for i in range(rows)],
            "score": [i / rows for i in range(rows)],
            "group": pd.Categorical([("a", "b", "c")[i % 3] for i in range(rows)]),
            "tags": [[f"t{i % 5}"] * (i % 3) for i in range(rows)],
            "when": pd.date_range("2024-01-01", periods=rows, freq="min"),
        },
        index=pd.RangeIndex(10, 10 + rows, name="row"),
    )
    for options in ({}, {"row_group_size": 700}, {"use_dictionary": False}):
        buffer = io.BytesIO()
        frame.to_parquet(buffer, **options)
        data = buffer.getvalue()
        read = read_posts(data, filename="p.parquet")
        pd.testing.assert_frame_equal(read.frame, pq.read_table(io.BytesIO(data)).to_pandas().reset_index(drop=True))
        assert read.texts[:2] == ["", "post 1 ünï 😀"]


def test_repeated_column_names_are_reported_as_before() -> None:
    data = _parquet(pa.Table.from_arrays([pa.array(["a", "b"]), pa.array(["c", "d"])], names=["text", "text"]))
    with pytest.raises(InputError, match="Column names must be unique; repeated: 'text'"):
        read_posts(data, filename="p.parquet")


def test_a_footer_that_claims_too_much_is_still_refused_before_reading() -> None:
    texts = [f"{i} " + bytes(range(256)).hex() * 8 for i in range(700)]  # 2.9 MB, no value repeated
    data = _parquet(pa.table({"text": texts}), compression="none", use_dictionary=False)
    with pytest.raises(LimitExceeded, match="holds 3 MB of data once uncompressed; the limit is 1 MB"):
        read_posts(data, filename="p.parquet", limits=SMALL)


CHILD = textwrap.dedent(
    """
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    from core.io.posts import read_posts
    try:
        read_posts(sys.argv[1])
        kind, message = "read", ""
    except BaseException as exc:
        kind, message = type(exc).__name__, str(exc)
    status = open("/proc/self/status").read()
    peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
    print(json.dumps({"kind": kind, "message": message, "mb": peak}))
    """
)


def test_the_audited_451_byte_file_is_refused_with_little_memory(tmp_path: Path) -> None:
    """The auditor's file: one 500,000-character post in 4,000 rows, 2 GB decoded, read with the default limits."""
    path = tmp_path / "bomb.parquet"
    post = pa.DictionaryArray.from_arrays(pa.array([0] * 4_000, pa.int32()), pa.array(["x" * 500_000]))
    pq.write_table(pa.table({"text": post}), path, compression="zstd", store_schema=False)  # reads back as text
    assert path.stat().st_size < 1_000
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["kind"] == "LimitExceeded", result
    assert "more than 500 MB of data once decoded" in result["message"], result
    assert result["mb"] < 600, result
