from __future__ import annotations

import pandas as pd
import pytest

from core.io.columns import find_author_column, find_id_column, id_column_problem, post_names


def test_the_id_column_is_found_by_name() -> None:
    assert find_id_column(["text", "Comment_ID"]) == "Comment_ID"
    assert find_id_column(["tweet_id", "id", "text"]) == "id"  # 'id' is preferred
    assert find_id_column(["text", "label"]) is None


def test_posts_are_named_by_their_id_else_by_1_based_row_number() -> None:
    frame = pd.DataFrame({"id": ["u30", "u31"], "n": [7.0, 8.0], "text": ["a", "b"]})
    assert post_names(frame, "id") == ["u30", "u31"]
    assert post_names(frame, "n") == ["7", "8"]  # whole floats read as written
    assert post_names(frame, None) == ["1", "2"]


@pytest.mark.parametrize(
    ("values", "problem"),
    [(["a", "a", "b"], "repeats values"), (["a", None, "b"], "1 empty value"), (["a", " ", "b"], "1 empty value")],
)
def test_a_column_with_repeated_or_empty_values_cannot_name_posts(values: list, problem: str) -> None:
    column = pd.Series(values, name="id")
    assert problem in (id_column_problem(column) or "")
    with pytest.raises(ValueError, match=problem):
        post_names(column.to_frame(), "id")
    assert id_column_problem(pd.Series(["a", "b", "c"], name="id")) is None


def test_the_author_column_is_found_by_name_in_order_of_preference() -> None:
    assert find_author_column(["text", "User_ID", "Author"]) == "Author"
    assert find_author_column(["text", " username "]) == " username "
    assert find_author_column(["text", "id", "writer"]) is None
