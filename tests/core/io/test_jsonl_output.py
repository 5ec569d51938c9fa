"""JSON Lines outputs keep dates and times readable (ISO 8601), not as epoch milliseconds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from core.io.export import write_table
from core.io.streaming import ChunkWriter

FRAME = pd.DataFrame(
    {
        "text": ["a", "b"],
        "created": [dt.datetime(2020, 1, 1, 12, 30, 15, 123456), None],
        "utc": pd.to_datetime(["2021-06-01T08:00:00Z", "2021-06-02T09:15:00Z"]),
    }
)


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("how", ["write_table", "ChunkWriter"])
def test_dates_are_iso_strings_to_the_microsecond(tmp_path: Path, how: str) -> None:
    out = tmp_path / "out.jsonl"
    if how == "write_table":
        write_table(FRAME, out)
    else:
        with ChunkWriter(out) as writer:
            writer.write(FRAME.iloc[:1])
            writer.write(FRAME.iloc[1:])
    rows = _rows(out)
    assert [row["created"] for row in rows] == ["2020-01-01T12:30:15.123456", None]
    assert [row["utc"] for row in rows] == ["2021-06-01T08:00:00.000000Z", "2021-06-02T09:15:00.000000Z"]
