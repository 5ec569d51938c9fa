"""Which column of a table is what: the file's own post id, and the names posts go by.

Posts are named by the file's id column when it has one (found by name, or chosen),
else by their 1-based row number, so that "post 31" is the 31st row of the file in
the dashboard, the exports and the review queues alike. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = [
    "AUTHOR_COLUMN_NAMES",
    "ID_COLUMN_NAMES",
    "find_author_column",
    "find_id_column",
    "id_column_problem",
    "naming_id_column",
    "post_names",
]

ID_COLUMN_NAMES = (
    "id",
    "post_id",
    "comment_id",
    "message_id",
    "tweet_id",
    "item_id",
    "status_id",
    "uid",
    "uuid",
)
"""Column names recognised as the file's own post id, in order of preference (case-insensitive)."""


def first_named(columns: Sequence[object], names: Sequence[str]) -> str | None:
    """The first of ``columns`` (as written) whose name, trimmed and in lower case, is in ``names``, by their order."""
    by_lower = {str(c).strip().lower(): str(c) for c in columns}
    return next((by_lower[name] for name in names if name in by_lower), None)


def find_id_column(columns: Sequence[object]) -> str | None:
    """The column whose name marks it as the post id, or None (then 1-based row numbers are the ids)."""
    return first_named(columns, ID_COLUMN_NAMES)


AUTHOR_COLUMN_NAMES = (
    "author",
    "author_id",
    "author_name",
    "user",
    "user_id",
    "username",
    "user_name",
    "screen_name",
)
"""Column names recognised as the post's author, in order of preference (case-insensitive)."""


def find_author_column(columns: Sequence[object]) -> str | None:
    """The column whose name marks it as the post's author, or None (then posts have no author)."""
    return first_named(columns, AUTHOR_COLUMN_NAMES)


def _as_names(values: pd.Series) -> pd.Series:
    """Cells as the text a person reads (``31`` rather than ``31.0`` for whole floats); missing stays NA."""

    def name(value: object) -> object:
        if value is None or (isinstance(value, float) and value != value):
            return pd.NA
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        text = str(value).strip()
        return text if text else pd.NA

    return values.map(name).astype("string")


def id_column_problem(values: pd.Series) -> str | None:
    """Why a column cannot name the posts (missing or repeated values), or None when it can."""
    names = _as_names(values)
    missing = int(names.isna().sum())
    if missing:
        return f"Column '{values.name}' has {missing:,} empty value(s), so it cannot name every post."
    repeated = names[names.duplicated(keep=False)]
    if len(repeated):
        example = str(repeated.iloc[0])[:40]
        return (
            f"Column '{values.name}' repeats values (e.g. '{example}', {repeated.nunique():,} value(s) in all), "
            "so it cannot tell posts apart."
        )
    return None


def naming_id_column(frame: pd.DataFrame, text_col: object) -> str | None:
    """The id column found by name when it can name every post (no empty or repeated value), else None.

    None means the posts are named by their 1-based row numbers: the rule of the Score page,
    its saved batches and ``review import``, so a post has one name everywhere.
    """
    found = find_id_column([c for c in frame.columns if c != text_col])
    if found is None or id_column_problem(frame[found]) is not None:
        return None
    return found


def post_names(frame: pd.DataFrame, id_col: str | None) -> list[str]:
    """The name of each post: its value in ``id_col``, else its 1-based row number.

    Raises
    ------
    ValueError
        When ``id_col`` is not a column or cannot name the posts (see :func:`id_column_problem`);
        callers check first and fall back to row numbers.

    """
    if id_col is None:
        return [str(i) for i in range(1, len(frame) + 1)]
    if id_col not in frame.columns:
        raise ValueError(f"Column '{id_col}' is not in the table.")
    problem = id_column_problem(frame[id_col])
    if problem is not None:
        raise ValueError(problem)
    return [str(v) for v in _as_names(frame[id_col])]
