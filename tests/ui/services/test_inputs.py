"""Inputs without widgets: uploads (or a request for the text column), pasted posts, the sample, truth guesses."""

from __future__ import annotations

import pytest

from core.errors import ModLensError
from ui.services import inputs


def test_load_upload_reads_posts_or_asks_for_the_text_column() -> None:
    posts = inputs.load_upload("a.csv", b"id,Text\n1,hello\n")
    assert posts.text_col == "Text" and posts.texts == ["hello"]
    pending = inputs.load_upload("b.csv", b"id,words\n1,hello there\n2,\n")
    assert isinstance(pending, inputs.NeedsTextColumn)
    assert pending.candidates[0] == "words"
    picked = inputs.with_text_column(pending, "words")
    assert picked.texts == ["hello there", ""]
    assert picked.content_hash == pending.content_hash != ""
    assert any("1 post(s) have empty text" in n for n in picked.notes)
    with pytest.raises(ModLensError, match="not in the file"):
        inputs.with_text_column(pending, "nope")


def test_load_upload_raises_core_messages_for_bad_files() -> None:
    with pytest.raises(ModLensError, match="never closed"):
        inputs.load_upload("x.csv", b'text\n"open\n')
    with pytest.raises(ModLensError, match="empty"):
        inputs.load_upload("x.csv", b"")


def test_pasted_posts_and_sample_posts() -> None:
    posts = inputs.pasted_posts(" one \n\n two\n")
    assert posts.texts == ["one", "two"]
    assert posts.content_hash == inputs.pasted_posts("one\ntwo").content_hash
    assert posts.content_hash != inputs.pasted_posts("two\none").content_hash
    with pytest.raises(ModLensError, match="paste at least one post"):
        inputs.pasted_posts(" \n ")
    sample = inputs.sample_posts()
    assert len(sample) == 300 and sample.text_col == "text"


def test_guess_truth_columns() -> None:
    guesses = inputs.guess_truth_columns(["id", "text", "label", "HATE"], ["toxic", "hate"], "text")
    assert guesses == {"toxic": "label", "hate": "HATE"}
    assert inputs.guess_truth_columns(["text", "x"], ["toxic"], "text") == {"toxic": None}


def test_content_hash_is_the_sha256_of_the_bytes() -> None:
    assert inputs.content_hash(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert inputs.load_upload("b.csv", b"id,words\n1,hi\n").content_hash == inputs.content_hash(b"id,words\n1,hi\n")


def test_pasted_posts_are_bounded_like_an_upload() -> None:
    from core.errors import LimitExceeded
    from core.io.limits import ReadLimits

    small = ReadLimits(max_file_mb=1, max_rows=3)
    assert len(inputs.pasted_posts("a\nb\nc", small)) == 3
    with pytest.raises(LimitExceeded, match="4 posts were pasted; the limit is 3"):
        inputs.pasted_posts("a\nb\nc\nd", small)
    with pytest.raises(LimitExceeded, match="the limit is 1 MB"):
        inputs.pasted_posts("é" * (600 * 1024), small)  # 1.2 MB of UTF-8 in 600 KiB characters


def test_pasted_posts_never_share_the_content_hash_of_a_file_with_the_same_bytes() -> None:
    text = "text\nyou idiot\nnice"
    uploaded = inputs.load_upload("posts.csv", text.encode())  # a header and 2 posts
    pasted = inputs.pasted_posts(text)  # 3 posts
    assert (len(uploaded), len(pasted)) == (2, 3)
    assert uploaded.text_col == pasted.text_col == "text"
    assert uploaded.content_hash != pasted.content_hash  # else the paste gets the file's cached scores
