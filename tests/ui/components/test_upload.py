"""The upload component: a file is read once, problems become messages, pickers start at their guess."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.io.posts import Posts
from tests.ui.conftest import TIMEOUT
from ui.components import upload
from ui.services.inputs import NeedsTextColumn


def test_read_posts_file_returns_posts_a_column_request_or_a_message() -> None:
    assert isinstance(upload.read_posts_file("a.csv", b"text\nhello\n"), Posts)
    assert isinstance(upload.read_posts_file("a.csv", b"words\nhello there\n"), NeedsTextColumn)
    assert "never closed" in upload.read_posts_file("a.csv", b'text\n"open\n')


def test_read_posts_file_turns_a_reader_bug_into_a_message(monkeypatch) -> None:
    def buggy(name: str, data: bytes) -> Posts:
        raise KeyError("oops")

    monkeypatch.setattr(upload, "load_upload", buggy)
    assert upload.read_posts_file("a.csv", b"text\nx\n") == (
        "The file could not be read (KeyError). Check the file, or report this problem."
    )


def _reader() -> None:
    import streamlit as st

    from ui.components import upload

    class File:  # what st.file_uploader returns, as far as read_once looks
        def __init__(self, file_id: str) -> None:
            self.file_id, self.name = file_id, f"{file_id}.csv"

        def getvalue(self) -> bytes:
            return b"text\nhi\n"

    reads = st.session_state.setdefault("reads", [])

    def read(name: str, data: bytes) -> str:
        reads.append(name)
        return f"{name}: {len(data)} bytes"

    for file_id in ("one", "one", "two"):
        result, new = upload.read_once(File(file_id), "modlens.test.file", read)
        st.write(f"{result} new={new}")
    upload.pick_column("Text column", ["a", "b", "c"], key="modlens.test.pick", default="b")
    upload.pick_column("Label column", ["(none)", "x"], key="modlens.test.none", default="missing")


def test_read_once_reads_each_file_once_and_pickers_start_at_the_default() -> None:
    at = AppTest.from_function(_reader, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == [
        "one.csv: 8 bytes new=True",
        "one.csv: 8 bytes new=False",
        "two.csv: 8 bytes new=True",
    ]
    assert at.session_state["reads"] == ["one.csv", "two.csv"]
    assert at.selectbox(key="modlens.test.pick").value == "b"
    assert at.selectbox(key="modlens.test.none").value == "(none)"  # a default that is not an option: the first
