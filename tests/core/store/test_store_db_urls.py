"""Malformed database URLs are one actionable error, without the password in it."""

from __future__ import annotations

import pytest

from core.errors import ModLensError
from core.store.db import Database


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://ana:s3cret@db.example.org:five/modlens", "is not a database URL"),  # port not a number
        ("postgresql://ana:s3cret@[::1/modlens", "is not a database URL"),  # unclosed IPv6 bracket
        ("postgresql+nosuch://ana:s3cret@db.example.org/modlens", "Unknown database driver"),
        ("sqlite+nosuch:///modlens.db", "Unknown database driver"),
    ],
)
def test_malformed_urls_are_explained_without_the_password(url: str, message: str) -> None:
    with pytest.raises(ModLensError, match=message) as raised:
        Database(url)
    assert "s3cret" not in str(raised.value)
    assert "Use sqlite:///PATH or postgresql://USER@HOST/DB." in str(raised.value)
