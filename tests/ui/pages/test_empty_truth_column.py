"""A truth column named like a label but entirely empty is not guessed; picked explicitly, it gets a message."""

from __future__ import annotations

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.ui.pages.apptest import errors, upload
from ui.sections.score import truth
from ui.services import inputs

EMPTY_TRUTH = b"text,toxic,hate\nyou idiot,,\nhello there,,1\n"
"""``toxic`` is empty in every row; ``hate`` has a label."""


def test_an_empty_column_is_not_guessed() -> None:
    frame = pd.DataFrame(
        {
            "text": ["a", "b"],
            "toxic": [np.nan, np.nan],
            "label": ["1", "0"],
            "hate": [" ", "NaN"],
            "is_hate": [None, None],
        }
    )
    guesses = inputs.guess_truth_columns(list(frame.columns), ["toxic", "hate"], "text", frame=frame)
    assert guesses == {"toxic": "label", "hate": None}  # the empty "toxic" is passed over for "label"
    zeros = pd.DataFrame({"text": ["a"], "toxic": [0]})
    assert inputs.guess_truth_columns(["text", "toxic"], ["toxic"], "text", frame=zeros) == {"toxic": "toxic"}


def test_an_upload_with_an_empty_truth_column_shows_no_error(score_page: AppTest) -> None:
    at = upload(score_page, "empty.csv", EMPTY_TRUTH)
    assert not at.exception
    assert errors(at) == []
    assert at.selectbox(key=truth.picker_key("toxic")).value == truth.NO_COLUMN
    assert at.selectbox(key=truth.picker_key("hate")).value == "hate"

    at.selectbox(key=truth.picker_key("toxic")).set_value("toxic").run()  # picked explicitly: told why not
    assert not at.exception
    assert any("Column 'toxic' has no labels: every value is empty or missing" in e for e in errors(at))
