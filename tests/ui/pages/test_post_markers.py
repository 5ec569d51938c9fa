"""AppTest: what the Score table and the Explain page say about how the model read a post.

Issue 10, item 4 (a long post is scored in windows: marked in the table, said on the
Explain page) and item 10 (words the model does not know: a share per post, a marker
and a warning from 50%, one number per upload, a banner on the Explain page).
The keyword fake knows a small vocabulary and reads 20 words at once.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.fake_model import WINDOW
from tests.ui.pages.apptest import metric, paste, results_table, upload
from ui.components import safe_text
from ui.services import post_markers

LONG = " ".join(["hello there"] * WINDOW) + " you idiot"
"""42 known words: more than the fake reads at once."""
PASTED = "\n".join(["you idiot", "😀😀😀", "tu es vraiment un idiot complet", LONG])


def texts(at: AppTest, kind: str) -> list[str]:
    return [safe_text.visible_text(e.value) for e in getattr(at, kind)]


def test_the_table_marks_long_posts_and_words_the_model_does_not_know(score_page: AppTest) -> None:
    at = paste(score_page, PASTED)
    table = results_table(at)
    assert table[post_markers.LONG_POST].tolist() == [False, False, False, True]
    shares = table[post_markers.UNKNOWN_WORDS].tolist()
    assert shares[:3] == [0.0, 1.0, pytest.approx(5 / 6)] and shares[3] == 0.0
    assert table[post_markers.MOSTLY_UNKNOWN].tolist() == [False, True, True, False]
    columns = table.columns.tolist()
    assert columns.index(post_markers.LONG_POST) == columns.index("flag_hate") + 1  # right after the scores


def test_one_number_per_upload_and_a_warning(score_page: AppTest) -> None:
    at = paste(score_page, PASTED)
    # 2 + 1 + 6 + 42 words, of which 0 + 1 + 5 + 0 unknown
    assert metric(at, "Words unknown to the model") == f"{6 / 51:.1%}"
    assert any("2 posts have 50% or more words the model does not know" in w for w in texts(at, "warning"))


def test_explain_says_when_a_post_is_mostly_unknown_or_read_in_windows(score_page: AppTest) -> None:
    at = paste(score_page, PASTED)
    at.switch_page("pages/explain.py")
    at.query_params["post"] = "3"
    at.run()
    assert any("The model does not know 5 of this post's 6 words (83%)" in w for w in texts(at, "warning"))
    assert not any("overlapping windows" in i for i in texts(at, "info"))
    at.query_params["post"] = "4"
    at.run()
    assert any("the whole post was scored in overlapping windows" in i for i in texts(at, "info"))
    assert not any("does not know" in w for w in texts(at, "warning"))
    at.query_params["post"] = "1"
    at.run()
    assert not any("does not know" in w for w in texts(at, "warning"))
    assert not at.exception


def test_the_files_own_language_hidden_and_marker_columns_are_kept(score_page: AppTest) -> None:
    data = b"text,language,hidden,long post,unknown words\nhello there my friend,fr,keep-me,abc,x\n"
    data += b"you idiot,de,too,yz,y\n"
    at = upload(score_page, "posts.csv", data)
    assert not at.exception
    table = results_table(at)
    assert table["language"].tolist() == ["fr", "de"] and table["hidden"].tolist() == ["keep-me", "too"]
    assert table["long post"].tolist() == ["abc", "yz"] and table["unknown words"].tolist() == ["x", "y"]
    assert table["long post (ModLens)"].tolist() == [False, False]
    assert table["unknown words (ModLens)"].dtype.kind == "f"  # shares of the post's words
    assert "en" in table["language (ModLens)"].iloc[0] and table["hidden (ModLens)"].tolist() == ["", ""]
    shown = next(d for d in at.dataframe if "score_toxic" in d.value.columns)
    config = json.loads(shown.proto.columns)
    assert "long post" not in config and "unknown words" not in config  # the file's columns keep their type
    assert config["long post (ModLens)"]["type_config"]["type"] == "checkbox"
    assert config["unknown words (ModLens)"]["type_config"]["format"] == "percent"
    assert "help" in config["language (ModLens)"] and "help" in config["hidden (ModLens)"]
