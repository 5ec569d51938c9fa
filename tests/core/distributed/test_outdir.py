"""Output folder of a cluster run: atomic parts, exactly-once checks, replacing only what ModLens wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from core.distributed import outdir
from core.distributed.files import input_files
from core.errors import ModLensError


def _run(folder: Path, files: list[Path], blocks: list[tuple[int, int, int]], reads: dict[int, int]) -> Path:
    staging = outdir.prepare(folder)
    for index, first, rows in blocks:
        frame = pd.DataFrame({"id": range(first, first + rows), "score_toxic": 0.5})
        outdir.write_part(staging, frame, index, first, {"model": "m"})
    for index, rows in reads.items():
        outdir.record_read(staging, index, rows, "text")
    return staging


def test_parts_covering_every_row_once_commit_with_a_manifest(tmp_path: Path) -> None:
    files = [tmp_path / "a.csv", tmp_path / "b.csv"]
    staging = _run(tmp_path / "out", files, [(0, 0, 3), (0, 3, 2), (1, 0, 4)], {0: 5, 1: 4})
    counts = outdir.verify(staging, files)
    assert [(c.rows_in, c.rows_out, len(c.parts)) for c in counts] == [(5, 5, 2), (4, 4, 1)]
    manifest = {"files": [{"path": c.path, "parts": list(c.parts)} for c in counts]}
    outdir.commit(staging, manifest)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["manifest.json", *sorted(outdir.part_name(i, f) for i, f in [(0, 0), (0, 3), (1, 0)])]
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["format"] == outdir.MANIFEST_FORMAT
    assert pd.read_parquet(tmp_path / "out" / outdir.part_name(0, 3))["id"].tolist() == [3, 4]


def test_a_block_written_twice_replaces_itself(tmp_path: Path) -> None:
    files = [tmp_path / "a.csv"]
    staging = _run(tmp_path / "out", files, [(0, 0, 2), (0, 0, 2), (0, 2, 1)], {0: 3})
    assert sum(c.rows_out for c in outdir.verify(staging, files)) == 3
    assert not [p for p in staging.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("blocks", "reads", "message"),
    [
        ([(0, 0, 2), (0, 3, 1)], {0: 4}, "rows from 2 missing"),
        ([(0, 0, 3), (0, 2, 2)], {0: 4}, "rows from 2 written twice"),
        ([(0, 0, 2)], {0: 3}, "3 rows read but 2 written"),
        ([(0, 0, 2)], {}, "was not read to the end"),
    ],
)
def test_missing_or_duplicated_rows_are_never_committed(
    tmp_path: Path, blocks: list, reads: dict, message: str
) -> None:
    staging = _run(tmp_path / "out", [tmp_path / "a.csv"], blocks, reads)
    with pytest.raises(ModLensError, match=message):
        outdir.verify(staging, [tmp_path / "a.csv"])


def test_a_second_run_replaces_the_first_and_foreign_files_are_refused(tmp_path: Path) -> None:
    files = [tmp_path / "a.csv"]
    first = _run(tmp_path / "out", files, [(0, 0, 2), (0, 2, 2)], {0: 4})
    outdir.commit(first, {"files": [{"parts": list(outdir.verify(first, files)[0].parts)}]})
    second = _run(tmp_path / "out", files, [(0, 0, 4)], {0: 4})
    outdir.commit(second, {"files": [{"parts": list(outdir.verify(second, files)[0].parts)}]})
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["manifest.json", outdir.part_name(0, 0)]
    (tmp_path / "out" / "notes.txt").write_text("mine")
    with pytest.raises(ModLensError, match="holds files ModLens did not write"):
        outdir.prepare(tmp_path / "out")
    assert (tmp_path / "out" / "notes.txt").read_text() == "mine"


def test_input_files_from_a_folder_a_glob_or_a_file(tmp_path: Path) -> None:
    for name in ("b.csv", "a.jsonl", "c.parquet", ".hidden.csv", "notes.md"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in input_files(tmp_path)] == ["a.jsonl", "b.csv", "c.parquet"]
    assert [p.name for p in input_files(str(tmp_path / "*.csv"))] == ["b.csv"]
    with pytest.raises(ModLensError, match=r"notes\.md: unsupported file type '\.md'"):
        input_files(tmp_path / "notes.md")
    with pytest.raises(ModLensError, match="No file matches"):
        input_files(str(tmp_path / "*.tsv"))
    with pytest.raises(ModLensError, match="does not exist"):
        input_files(tmp_path / "missing.csv")


def test_input_files_leave_out_the_output_folder_and_read_a_linked_file_once(tmp_path: Path) -> None:
    (tmp_path / "arch" / "scored").mkdir(parents=True)
    pd.DataFrame({"text": ["a"]}).to_parquet(tmp_path / "arch" / "a.parquet")
    pd.DataFrame({"text": ["b"]}).to_parquet(tmp_path / "arch" / "scored" / outdir.part_name(0, 0))
    pattern = str(tmp_path / "arch" / "**" / "*.parquet")
    assert [p.name for p in input_files(pattern, exclude=tmp_path / "arch" / "scored")] == ["a.parquet"]
    with pytest.raises(ModLensError, match="inside the output folder"):
        input_files(str(tmp_path / "arch" / "scored" / "*.parquet"), exclude=tmp_path / "arch" / "scored")
    (tmp_path / "arch" / "b.parquet").symlink_to(tmp_path / "arch" / "a.parquet")
    assert [p.name for p in input_files(tmp_path / "arch")] == ["a.parquet"]


def test_a_part_mixing_numbers_and_text_in_a_column_is_written_as_text(tmp_path: Path) -> None:
    staging = outdir.prepare(tmp_path / "out")
    frame = pd.DataFrame({"id": [1, "x7"], "score_toxic": [0.1, 0.9]})
    name = outdir.write_part(staging, frame, 0, 0, {"model": "m"})
    assert pd.read_parquet(staging / name)["id"].tolist() == ["1", "x7"]


def test_ray_blocks_keep_the_local_engines_columns_and_the_readers_notes(tmp_path: Path) -> None:
    from core.distributed.ray_engine import block_reader
    from core.io.streaming import iter_posts

    lines = [{"text": f"post {i}"} for i in range(6)] + [{"text": "late", "lang": "en"}]
    source = tmp_path / "posts.jsonl"
    source.write_bytes(b"\n".join(json.dumps(line).encode() for line in lines).replace(b"post 1", b"post\x001"))
    staging = outdir.prepare(tmp_path / "out")
    blocks = list(block_reader(source, 0, None, 3, str(staging))())
    local = next(iter_posts(source)).frame
    assert [len(b) for b in blocks] == [3, 3, 1]
    assert all(list(b.columns)[:2] == list(local.columns) == ["text", "lang"] for b in blocks)
    assert blocks[-1]["lang"].iloc[0] == "en"
    read = json.loads((staging / "read-00000.json").read_text())
    assert read["rows"] == 7 and read["notes"] == ["Removed 1 NUL byte(s) from the file."]
