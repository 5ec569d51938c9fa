"""Redaction of cells that are not strings: nested JSON values are redacted through their text, numbers are kept."""

from __future__ import annotations

import datetime
import math

import numpy as np
import pandas as pd

from core.privacy import redact_frame
from core.privacy.redact import needs_redaction


def test_only_values_that_may_hold_text_need_redaction() -> None:
    assert needs_redaction("x") and needs_redaction({"email": "a@b.org"}) and needs_redaction(["a@b.org"])
    assert needs_redaction(b"a@b.org")
    kept = [None, math.nan, pd.NA, pd.NaT, 3, 2.5, True, np.int64(4), np.bool_(False), datetime.date(2024, 1, 2)]
    assert [needs_redaction(value) for value in kept] == [False] * len(kept)


def test_redact_frame_redacts_nested_json_values() -> None:
    frame = pd.DataFrame(
        {
            "user": [{"email": "alice@example.org", "phone": "+44 20 7946 0958"}, None, ["@bob_smith99", 3]],
            "n": [1, 2, 3],
        }
    )
    out = redact_frame(frame, ["user", "n"])
    assert out["user"].tolist() == ["{'email': '<EMAIL>', 'phone': '<PHONE>'}", None, "['<HANDLE>', 3]"]
    assert out["n"].tolist() == [1, 2, 3]
    assert frame["user"].iloc[0]["email"] == "alice@example.org"  # the input is not changed


def test_phone_and_card_numbers_kept_as_numbers_are_redacted() -> None:
    frame = pd.DataFrame(
        {
            "phone": [4155552671, 1234567, 42],
            "card": [4111111111111111.0, math.nan, 2.5],
            "mixed": [4155552671, "mail a@b.org", 7],
        }
    )
    out = redact_frame(frame, ["phone", "card", "mixed"])
    assert out["phone"].tolist() == ["<PHONE>", 1234567, 42]
    assert out["card"].tolist()[0] == "<CARD>" and math.isnan(out["card"].iloc[1]) and out["card"].iloc[2] == 2.5
    assert out["mixed"].tolist() == ["<PHONE>", "mail <EMAIL>", 7]
    assert frame["phone"].dtype == np.int64  # the input is not changed


def test_numeric_column_without_personal_numbers_keeps_its_type() -> None:
    frame = pd.DataFrame({"id": [1234567, 987654321], "n": [1, 2]})
    out = redact_frame(frame, ["id", "n"])
    assert out["id"].dtype == np.int64 and out["id"].tolist() == [1234567, 987654321]
    assert out["n"].dtype == np.int64


def test_whole_numbers_of_seven_to_nineteen_digits_need_redaction() -> None:
    assert needs_redaction(4155552671) and needs_redaction(np.int64(4111111111111111)) and needs_redaction(1e6)
    assert not needs_redaction(999_999) and not needs_redaction(4155552671.5) and not needs_redaction(10**19)
    assert not needs_redaction(np.bool_(True)) and not needs_redaction(math.inf)
