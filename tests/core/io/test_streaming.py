from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.errors import ModLensError
from core.io.posts import read_posts
from core.io.streaming import ChunkWriter, iter_posts
from core.scoring import score_posts


class LengthModel:
    """Fake model: toxic score grows with text length, hate is constant."""

    def __init__(self) -> None:
        self.labels_ = ["toxic", "hate"]
        self.thresholds_ = {"toxic": 0.5, "hate": 0.5}

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([[min(len(t) / 10, 1.0), 0.1] for t in texts], dtype=np.float32)


def _csv(tmp_path: Path, rows: int, name: str = "posts.csv", **kwargs) -> Path:
    path = tmp_path / name
    frame = pd.DataFrame({"id": [f"{i:05d}" for i in range(rows)], "text": [f"=post {i}" for i in range(rows)]})
    frame.to_csv(path, index=False, **kwargs)
    return path


def test_chunks_cover_every_row_in_order(tmp_path: Path) -> None:
    path = _csv(tmp_path, 1_003)
    chunks = list(iter_posts(path, chunk_rows=250))
    assert [len(c) for c in chunks] == [250, 250, 250, 250, 3]
    whole = read_posts(path)
    joined = pd.concat([c.frame for c in chunks])
    assert joined["id"].tolist() == whole.frame["id"].tolist()
    assert joined.index.tolist() == list(range(1_003))
    assert chunks[-1].texts[-1] == "=post 1002"


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf", b"\n  "])
def test_a_json_array_file_is_read_as_the_dashboard_reads_it(tmp_path: Path, prefix: bytes) -> None:
    path = tmp_path / "posts.json"
    path.write_bytes(prefix + b'[{"id": "a", "text": "hello"}, {"id": "b", "text": "you idiot"}]')
    chunks = list(iter_posts(path))
    assert len(chunks) == 1 and chunks[0].texts == ["hello", "you idiot"] == read_posts(path).texts


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_chunk_writer_matches_a_one_piece_write(tmp_path: Path, suffix: str) -> None:
    path = _csv(tmp_path, 120)
    out = tmp_path / f"scored{suffix}"
    with ChunkWriter(out, metadata={"thresholds": {"toxic": 0.5}}) as writer:
        for posts in iter_posts(path, chunk_rows=50):
            writer.write(score_posts(LengthModel(), posts))
    assert writer.rows == 120
    back = {".csv": pd.read_csv, ".parquet": pd.read_parquet}.get(suffix, lambda p: pd.read_json(p, lines=True))(out)
    assert len(back) == 120
    assert list(back.columns) == ["id", "text", "score_toxic", "flag_toxic", "score_hate", "flag_hate"]
    expected_text = "'=post 7" if suffix == ".csv" else "=post 7"
    assert back["text"].iloc[7] == expected_text


def test_semicolons_cp1252_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes("id;text\n1;café\n2;naïve\n".encode("cp1252"))
    assert [t for c in iter_posts(path) for t in c.texts] == ["café", "naïve"]
    path.write_bytes("\ufeffid,text\n1,olé\n".encode())
    assert next(iter_posts(path)).texts == ["olé"]


def test_nul_bytes_are_removed_as_the_file_streams(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(b"id,text\n1,he\x00llo\n")
    chunks = list(iter_posts(path))
    assert chunks[0].texts == ["hello"]
    assert any("NUL" in note for note in chunks[0].notes)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"id,text\n", "has a header (id, text) but no rows"),
        (b"id,body2\n1,x\n", "Column 'text' not found. Columns are: id, body2."),
        (b"id,text\n" + b"1,ok\n" * 300 + b"2,a,b\n", "Line 302 has 3 fields but the header has 2"),
    ],
)
def test_errors_match_the_one_piece_reader(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ModLensError, match=message.replace("(", r"\(").replace(")", r"\)")):
        list(iter_posts(path, chunk_rows=100))


def test_writer_rejects_bad_outputs(tmp_path: Path) -> None:
    with pytest.raises(ModLensError, match="use an output ending in"):
        ChunkWriter(tmp_path / "out.xlsx")
    with pytest.raises(ModLensError, match="does not exist"):
        ChunkWriter(tmp_path / "nowhere" / "out.csv")


def test_an_unclosed_quote_in_the_first_rows_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text('id,message\n1,"never closed\n', encoding="utf-8")
    with pytest.raises(ModLensError, match="never closed"):
        list(iter_posts(path))
