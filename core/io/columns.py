"""Which column of a table holds the posts: found by name, checked, or offered in a picker.

Shared by :mod:`core.io.posts` (whole files), :mod:`core.io.streaming` (chunks)
and the dashboard's column picker.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from core.errors import ModLensError

__all__ = [
    "TEXT_COLUMN_NAMES",
    "describe_columns",
    "find_text_column",
    "resolve_text_column",
    "text_column_candidates",
]

TEXT_COLUMN_NAMES: tuple[str, ...] = (
    "comment_text",
    "text",
    "content",
    "body",
    "post",
    "message",
    "tweet",
)
"""Column names recognised as the post text, in order of preference (case-insensitive)."""


def find_text_column(columns: Sequence[object]) -> str | None:
    """Return the column whose name marks it as post text, or None."""
    by_lower = {str(c).strip().lower(): str(c) for c in columns}
    for name in TEXT_COLUMN_NAMES:
        if name in by_lower:
            return by_lower[name]
    return None


def resolve_text_column(frame: pd.DataFrame, text_col: str | None, *, choose_hint: str = "with --text-col") -> str:
    """Return the text column, given or found by name, or raise a helpful error."""
    if text_col is not None:
        if text_col in frame.columns:
            return text_col
        matches = [c for c in frame.columns if c.lower() == text_col.strip().lower()]
        if len(matches) == 1:
            return matches[0]
        raise ModLensError(
            f"Column '{text_col}' not found. Columns are: {describe_columns(frame.columns)}. "
            f"Choose the text column {choose_hint}."
        )
    found = find_text_column(frame.columns)
    if found is None:
        raise ModLensError(
            f"Column 'text' not found. Columns are: {describe_columns(frame.columns)}. "
            f"Choose the text column {choose_hint}."
        )
    return found


def text_column_candidates(frame: pd.DataFrame) -> list[str]:
    """Columns that could hold post text (strings), most text-like first, for a picker."""
    scored = []
    for col in frame.columns:
        sample = frame[col].dropna().head(200)
        if sample.empty or not sample.map(lambda v: isinstance(v, str)).all():
            continue
        mean_len = float(sample.str.len().mean())
        scored.append((mean_len, col))
    return [c for _, c in sorted(scored, key=lambda pair: -pair[0])]


def describe_columns(columns: Sequence[object], limit: int = 12) -> str:
    """Comma-separated column names, shortened for files with thousands of columns."""
    names = [str(c) for c in columns]
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f", ... ({len(names)} columns in all)"
