"""Show token attributions over redacted text without revealing what was redacted.

Explanations are computed on the original post, so their token table holds
positions and strings of the original, personal data included. These functions
move the table onto the redacted text: a token that does not touch a redacted
span keeps its value at its new position; all tokens that overlap a redacted
span become one row covering the placeholder (``<EMAIL>``) with the sum of their
values and ``redacted`` True. Tokens beyond what redaction scanned (a text cut at
``max_chars``) are dropped. The result feeds
:func:`core.explain.highlight.highlight_html` and the token figures unchanged.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Mapping, Sequence

import pandas as pd

from core.privacy.config import RedactionConfig
from core.privacy.redact import RedactedText, redact_text
from core.privacy.scan import Span

POSITION_COLUMNS = ("token", "start", "end", "value")
"""Columns every attribution table has; others (``post_id``, ``label``) are carried along."""


class _Positions:
    """Where original positions land in the redacted text."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = list(spans)
        self.starts = [span.start for span in self.spans]
        self.ends = [span.end for span in self.spans]
        self.new_starts: list[int] = []
        self.shifts: list[int] = []
        shift = 0
        for span in self.spans:
            self.new_starts.append(span.start + shift)
            shift += len(span.placeholder) - (span.end - span.start)
            self.shifts.append(shift)

    def move(self, position: int) -> int:
        """New position of an original position that is outside every span."""
        before = bisect_right(self.ends, position)
        return position + (self.shifts[before - 1] if before else 0)

    def overlapping(self, start: int, end: int) -> range:
        """Indexes of the spans that overlap ``[start, end)``."""
        first = bisect_right(self.ends, start)
        last = bisect_left(self.starts, end)
        return range(first, last)

    def new_end(self, index: int) -> int:
        return self.new_starts[index] + len(self.spans[index].placeholder)


def _map_rows(rows: pd.DataFrame, redacted: RedactedText, extra: dict[str, object]) -> list[dict[str, object]]:
    positions = _Positions(redacted.spans)
    out: list[dict[str, object]] = []
    groups: list[list[float]] = []  # [first span, last span, summed value]
    for token, start, end, value in zip(rows["token"], rows["start"], rows["end"], rows["value"], strict=True):
        start, end = int(start), int(end)
        if end > redacted.scanned:
            continue
        hit = positions.overlapping(start, end)
        if not hit:
            new_start = positions.move(start)
            row = {**extra, "token": token, "start": new_start, "end": new_start + (end - start)}
            out.append({**row, "value": float(value), "redacted": False})
            continue
        groups.append([hit[0], hit[-1], float(value)])
    groups.sort()
    merged: list[list[float]] = []
    for first, last, value in groups:
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
            merged[-1][2] += value
        else:
            merged.append([first, last, value])
    for first, last, value in merged:
        new_start, new_end = positions.new_starts[int(first)], positions.new_end(int(last))
        token = redacted.text[new_start:new_end]
        out.append({**extra, "token": token, "start": new_start, "end": new_end, "value": value, "redacted": True})
    return out


def map_attributions(token_rows: pd.DataFrame, redacted: RedactedText) -> pd.DataFrame:
    """Move the attributions of one post onto its redacted text.

    Parameters
    ----------
    token_rows
        Attributions computed on the original text: ``token``, ``start``,
        ``end``, ``value`` and any other columns (``post_id``, ``label``: rows
        are handled per combination of those).
    redacted
        :func:`~core.privacy.redact.redact_text` of the same original text.

    Returns
    -------
    pandas.DataFrame
        The same columns plus ``redacted`` (bool), positions in
        ``redacted.text``, sorted by the other columns and ``start``. No row's
        ``token`` holds redacted text.

    """
    missing = [column for column in POSITION_COLUMNS if column not in token_rows.columns]
    if missing:
        raise ValueError(f"Attribution table lacks columns {missing}.")
    keys = [column for column in token_rows.columns if column not in POSITION_COLUMNS]
    columns = [*token_rows.columns, "redacted"]
    records: list[dict[str, object]] = []
    if keys:
        for key, rows in token_rows.groupby(keys, sort=False, dropna=False):
            values = key if isinstance(key, tuple) else (key,)
            records.extend(_map_rows(rows, redacted, dict(zip(keys, values, strict=True))))
    elif len(token_rows):
        records.extend(_map_rows(token_rows, redacted, {}))
    out = pd.DataFrame(records, columns=columns)
    if out.empty:
        return out.astype({"start": "int64", "end": "int64", "value": "float64", "redacted": "bool"})
    return out.sort_values([*keys, "start"], kind="stable").reset_index(drop=True)


def redact_attributions(
    text: str, token_rows: pd.DataFrame, config: RedactionConfig | None = None
) -> tuple[RedactedText, pd.DataFrame]:
    """Redact one post and move its attributions onto the redacted text.

    Returns the :class:`~core.privacy.redact.RedactedText` (show its ``text``)
    and the mapped table (see :func:`map_attributions`). With redaction
    disabled the text and positions are unchanged.
    """
    redacted = redact_text(text, config)
    return redacted, map_attributions(token_rows, redacted)


def redact_attribution_table(
    tokens: pd.DataFrame, texts: Mapping[Hashable, str], config: RedactionConfig | None = None
) -> tuple[dict[Hashable, str], pd.DataFrame]:
    """Redact many posts' attributions at once (e.g. for the global token view).

    Parameters
    ----------
    tokens
        Attributions with a ``post_id`` column (as ``Attributions.tokens``).
    texts
        Original text of each ``post_id`` in ``tokens``.
    config
        What to redact (default: everything).

    Returns
    -------
    dict, pandas.DataFrame
        Redacted text per ``post_id`` and the mapped table.

    Raises
    ------
    KeyError
        If a ``post_id`` in ``tokens`` has no text.

    """
    shown: dict[Hashable, str] = {}
    parts: list[pd.DataFrame] = []
    for post_id, rows in tokens.groupby("post_id", sort=False):
        redacted = redact_text(texts[post_id], config)
        shown[post_id] = redacted.text
        parts.append(map_attributions(rows, redacted))
    if not parts:
        return shown, map_attributions(tokens, RedactedText("", (), 0, 0))
    return shown, pd.concat(parts, ignore_index=True)
