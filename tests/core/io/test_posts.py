from __future__ import annotations

import codecs
import io
import json
import re

import numpy as np
import pandas as pd
import pytest

from core.errors import ModLensError
from core.io.posts import find_text_column, read_posts, text_column_candidates


def test_reads_csv_in_order_and_keeps_every_column_as_written() -> None:
    posts = read_posts(b"id,text,score\n007,hello,1\n2,world,0\n", filename="posts.csv")
    assert posts.text_col == "text"
    assert posts.texts == ["hello", "world"]
    assert posts.frame["id"].tolist() == ["007", "2"]
    assert list(posts.frame.columns) == ["id", "text", "score"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_sniffs_the_delimiter(delimiter: str) -> None:
    data = f"id{delimiter}text\n1{delimiter}a, b; c\n".replace("a, b; c", '"a, b; c"' if delimiter in ",;" else "a b")
    posts = read_posts(data.encode(), filename="posts.csv")
    assert list(posts.frame.columns) == ["id", "text"]
    assert len(posts) == 1


def test_tsv_suffix_forces_tabs() -> None:
    posts = read_posts(b"text\tlabel\nhi, there; you\t1\n", filename="posts.tsv")
    assert posts.texts == ["hi, there; you"]


@pytest.mark.parametrize(
    ("data", "note"),
    [
        (codecs.BOM_UTF8 + "text\ncafé\n".encode(), None),
        ("text\ncafé\n".encode("utf-16"), None),
        ("text\ncafé\n".encode("cp1252"), "Windows-1252"),
    ],
)
def test_detects_encodings(data: bytes, note: str | None) -> None:
    posts = read_posts(data, filename="posts.csv")
    assert posts.texts == ["café"]
    assert posts.text_col == "text"
    assert (note is None and not posts.notes) or any(note in n for n in posts.notes)


def test_text_column_found_by_name_case_insensitively() -> None:
    assert find_text_column(["id", "Comment_Text"]) == "Comment_Text"
    assert find_text_column(["id", "TWEET", "body"]) == "body"
    assert find_text_column(["id", "note"]) is None


def test_explicit_text_column_and_helpful_error() -> None:
    posts = read_posts(b"id,note\n1,hi\n", filename="a.csv", text_col="note")
    assert posts.texts == ["hi"]
    with pytest.raises(ModLensError) as error:
        read_posts(b"id,note\n1,hi\n", filename="a.csv")
    assert str(error.value) == (
        "Column 'text' not found. Columns are: id, note. Choose the text column with --text-col."
    )


def test_empty_and_missing_text_is_kept_and_marked() -> None:
    data = b'{"text": "a"}\n{"text": null}\n{"text": "  "}\n{"other": 1}\n'
    posts = read_posts(data, filename="posts.jsonl")
    assert posts.texts == ["a", "", "  ", ""]
    assert posts.empty_mask.tolist() == [False, True, True, True]
    assert any("3 post(s) have empty text" in n for n in posts.notes)


def test_parquet_and_excel(tmp_path) -> None:
    frame = pd.DataFrame({"id": [1, 2], "content": ["first", "second"]})
    parquet = io.BytesIO()
    frame.to_parquet(parquet)
    assert read_posts(parquet.getvalue(), filename="p.parquet").texts == ["first", "second"]
    excel = tmp_path / "posts.xlsx"
    frame.to_excel(excel, index=False)
    posts = read_posts(excel)
    assert posts.text_col == "content"
    assert posts.texts == ["first", "second"]


def test_streamlit_style_upload_object() -> None:
    class Upload(io.BytesIO):
        name = "upload.csv"

    assert read_posts(Upload(b"text\nhey\n")).texts == ["hey"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "The file is empty"),
        (b"   \n\n", "a.csv", "The file is empty"),
        (b"id,text\n", "a.csv", "has a header (id, text) but no rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "a.csv", "looks like a PNG image"),
        (bytes(range(256)) * 4, "a.csv", "looks binary"),
        (b"text\nhi\n", "a.pdf", "Unsupported file type '.pdf'"),
        (b"text\nhi\n", "a.csv.gz", "Compressed files are not supported"),
        (b"id,text\n1,a,b\n2,c\n", "a.csv", "Line 2 has 3 fields but the header has 2"),
        (b"id,text\n1,a\n2,c,d\n", "a.csv", "Line 3 has 3 fields but the header has 2"),
        (b'id,text\n1,"abc\n2,d\n', "a.csv", "is never closed"),
        (b'{"text": "a"}\n{"text": \n', "a.jsonl", "JSON Lines file could not be read"),
        (b"PAR1garbage", "a.parquet", "Parquet file could not be read"),
        (b"not excel", "a.xlsx", "Excel file could not be read"),
        (b"text,text\na,b\n", "a.csv", None),
    ],
)
def test_bad_files_raise_one_error_type_with_a_message(data: bytes, name: str, message: str | None) -> None:
    if message is None:  # pandas renames duplicate headers; the read must still work
        assert len(read_posts(data, filename=name)) == 1
        return
    with pytest.raises(ModLensError, match=re.escape(message)):
        read_posts(data, filename=name)


def test_missing_path_and_folder(tmp_path) -> None:
    with pytest.raises(ModLensError, match="does not exist"):
        read_posts(tmp_path / "nope.csv")
    with pytest.raises(ModLensError, match="is a folder"):
        read_posts(tmp_path)


def test_nul_bytes_are_removed_with_a_note() -> None:
    posts = read_posts(b"id,text\n1,he\x00llo\n", filename="a.csv")
    assert posts.texts == ["hello"]
    assert any("NUL" in note for note in posts.notes)


def test_a_field_of_tens_of_megabytes_is_kept_whole() -> None:
    big = "x" * 20_000_000
    posts = read_posts(f"id,text\n1,{big}\n2,small\n".encode(), filename="a.csv")
    assert len(posts.texts[0]) == 20_000_000
    assert posts.texts[1] == "small"


def test_thousands_of_columns_and_a_short_column_listing() -> None:
    header = ",".join(f"c{i}" for i in range(3000))
    posts = read_posts(f"{header}\n{','.join('1' * 3000)}\n".encode(), filename="a.csv", text_col="c5")
    assert posts.frame.shape == (1, 3000)
    with pytest.raises(ModLensError, match=r"c0, c1, .*\(3000 columns in all\)"):
        read_posts(f"{header}\n{','.join('1' * 3000)}\n".encode(), filename="a.csv")


def test_labels_accept_binary_booleans_and_fractions() -> None:
    data = b"text,a,b,c\nx,1,true,0.7\ny,0,False,0.2\nz,,yes,0.5\n"
    posts = read_posts(data, filename="a.csv", label_cols=["a", "b", "c"])
    np.testing.assert_array_equal(posts.labels("a"), [1.0, 0.0, np.nan])
    np.testing.assert_array_equal(posts.labels("b"), [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(posts.labels("c"), [1.0, 0.0, 1.0])


@pytest.mark.parametrize(("values", "shown"), [("spam,2", "'spam'"), ("0.5,7", "7"), ("1,-1", "-1")])
def test_wrong_label_values_are_named(values: str, shown: str) -> None:
    rows = "\n".join(f"t{i},{v}" for i, v in enumerate(values.split(",")))
    with pytest.raises(ModLensError, match=f"Column 'label' has .*{shown}"):
        read_posts(f"text,label\n{rows}\n".encode(), filename="a.csv", label_cols=["label"])


def test_missing_label_column_is_reported() -> None:
    with pytest.raises(ModLensError, match="Label column 'gold' not found"):
        read_posts(b"text\nhi\n", filename="a.csv", label_cols=["gold"])


def test_text_column_candidates_prefer_long_strings() -> None:
    frame = pd.DataFrame({"id": ["1", "2"], "body": ["a long post here", "another long one"], "n": [1, 2]})
    assert text_column_candidates(frame) == ["body", "id"]


def test_content_hash_identifies_the_bytes() -> None:
    first = read_posts(b"text\na\n", filename="a.csv")
    again = read_posts(b"text\na\n", filename="b.csv")
    other = read_posts(b"text\nb\n", filename="a.csv")
    assert first.content_hash == again.content_hash != other.content_hash
    assert json.dumps(first.content_hash)


def test_half_a_surrogate_pair_in_json_becomes_a_replacement_character(tmp_path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text('{"text": "you idiot \\ud83d", "tags": ["\\udc00"]}\n{"text": "smile \\ud83d\\ude00"}\n')
    posts = read_posts(path)
    assert posts.texts == ["you idiot \ufffd", "smile \U0001f600"]
    assert posts.frame["tags"].iloc[0] == ["\ufffd"]
    (tmp_path / "array.json").write_text('[{"text": "\\ud83d"}]')
    assert read_posts(tmp_path / "array.json").texts == ["\ufffd"]
