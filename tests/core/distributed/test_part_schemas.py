"""The Parquet parts of one input file share one schema, so a reader of all the parts gets one table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from core.distributed import outdir
from core.distributed.schemas import unify_parts
from core.errors import InputError


def _parts(tmp_path: Path, blocks: list[pd.DataFrame]) -> tuple[Path, list[str]]:
    staging = outdir.prepare(tmp_path / "out")
    first, names = 0, []
    for block in blocks:
        names.append(outdir.write_part(staging, block, 0, first, {"model": "m"}))
        first += len(block)
    return staging, names


def test_a_column_empty_in_one_part_and_text_or_fractions_in_another_reads_as_one_table(tmp_path: Path) -> None:
    blocks = [
        pd.DataFrame({"note": [None, None], "n": [1, 2], "flag": [True, False]}),
        pd.DataFrame({"note": ["hi", None], "n": [1.5, None], "flag": [True, True]}),
    ]
    staging, names = _parts(tmp_path, blocks)
    paths = [staging / name for name in names]
    unify_parts(staging, [("posts.csv", tuple(names))])
    schemas = [pq.read_schema(path) for path in paths]
    assert schemas[0].equals(schemas[1])
    assert b"modlens" in (schemas[0].metadata or {})  # the part's key is kept
    table = pd.read_parquet(paths)
    assert table["note"].tolist()[2] == "hi" and table["note"].isna().tolist() == [True, True, False, True]
    assert table["n"].tolist()[:3] == [1.0, 2.0, 1.5]
    assert table["flag"].tolist() == [True, False, True, True]


def test_numbers_in_one_part_and_text_in_another_are_written_as_text(tmp_path: Path) -> None:
    staging, names = _parts(tmp_path, [pd.DataFrame({"id": [7, 8]}), pd.DataFrame({"id": ["x9", None]})])
    unify_parts(staging, [("posts.csv", tuple(names))])
    assert pd.read_parquet([staging / name for name in names])["id"].tolist()[:3] == ["7", "8", "x9"]


def test_types_that_cannot_be_one_are_a_one_line_error_naming_file_and_column(tmp_path: Path) -> None:
    blocks = [pd.DataFrame({"when": [dt.datetime(2024, 1, 1)]}), pd.DataFrame({"when": [3]})]
    staging, names = _parts(tmp_path, blocks)
    with pytest.raises(InputError, match=r"^posts\.csv: column 'when' holds .* one type") as failed:
        unify_parts(staging, [("/data/posts.csv", tuple(names))])
    assert "\n" not in str(failed.value)


def test_parts_of_different_files_keep_their_own_types(tmp_path: Path) -> None:
    staging = outdir.prepare(tmp_path / "out")
    a = outdir.write_part(staging, pd.DataFrame({"id": [1]}), 0, 0, {})
    b = outdir.write_part(staging, pd.DataFrame({"id": ["x"]}), 1, 0, {})
    unify_parts(staging, [("a.csv", (a,)), ("b.csv", (b,))])
    assert str(pq.read_schema(staging / a).field("id").type) == "int64"


class _FakeModel:
    def __init__(self) -> None:
        self.labels_, self.thresholds_ = ["toxic"], {"toxic": 0.5}

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return np.full((len(texts), 1), 0.25, dtype=np.float32)


def test_a_json_lines_key_null_at_first_and_text_later_gives_parts_one_reader_can_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ray")
    import json

    import core.io.streaming as streaming
    from core.distributed import ray_engine as engine

    source = tmp_path / "posts.jsonl"
    rows = [
        {"text": f"post {i}", "note": None if i < 40 else f"note {i}", "n": i if i < 70 else i + 0.5}
        for i in range(100)
    ]
    source.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    local = streaming.iter_posts  # the local engine's chunks (50,000 rows) made small: each is typed on its own
    monkeypatch.setattr(streaming, "iter_posts", lambda path, **kw: local(path, chunk_rows=30, **kw))
    staging = outdir.prepare(tmp_path / "out")
    actor = engine.ScoreBlocks.__new__(engine.ScoreBlocks)  # no TensorFlow model: a fake scorer
    actor.model, actor.staging, actor.text_col, actor.chunk_rows = _FakeModel(), staging, None, 30
    actor.meta = {"model": "fake"}
    for block in engine.block_reader(source, 0, None, 30, str(staging))():
        actor(block)
    counts = outdir.verify(staging, [source])
    unify_parts(staging, [(c.path, c.parts) for c in counts])
    table = pd.read_parquet([staging / name for name in counts[0].parts])
    assert len(table) == 100 and table["note"].tolist()[40] == "note 40" and table["note"].iloc[:40].isna().all()
    assert table["n"].tolist()[69:71] == [69.0, 70.5]
