"""The dashboard's tables: column formats written once (scores as bars, three decimals), and row picking."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import streamlit as st


def three_decimals(columns: Iterable[str]) -> dict[str, Any]:
    """Number columns shown with three decimals, by name."""
    return {column: st.column_config.NumberColumn(format="%.3f") for column in columns}


def text_columns(**titles: str) -> dict[str, Any]:
    """Text columns under new titles (column name -> title)."""
    return {column: st.column_config.TextColumn(title) for column, title in titles.items()}


def number_columns(fmt: str | None = None, **titles: str) -> dict[str, Any]:
    """Number columns under new titles (column name -> title), in format ``fmt`` (e.g. ``"%.3f"``)."""
    return {column: st.column_config.NumberColumn(title, format=fmt) for column, title in titles.items()}


def score_bar(title: str | None = None, *, width: str | None = None) -> Any:
    """A score in [0, 1] shown as a bar with three decimals."""
    return st.column_config.ProgressColumn(title, format="%.3f", min_value=0.0, max_value=1.0, width=width)


def picked_row(frame: pd.DataFrame, *, key: str, **options: Any) -> int | None:
    """A table whose rows can be picked one at a time; the position of the picked row, or None."""
    event = st.dataframe(frame, key=key, on_select="rerun", selection_mode="single-row", **options)
    picked = list(event.selection.rows) if event is not None else []
    return int(picked[0]) if picked and picked[0] < len(frame) else None
