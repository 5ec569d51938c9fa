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
