"""Redact personal data from posts for display and export.

Redaction is for what people see and download only: scoring and explanations
keep using the original text. Each span found is replaced by its placeholder
(``<EMAIL>``, ``<PHONE>``, ``<URL>``, ``<IP>``, ``<CARD>``, ``<HANDLE>``, ``<IBAN>``) and
counted, so the dashboard can say what was hidden without showing it. The tables
returned hold positions and kinds only, never the hidden text.
"""

from __future__ import annotations

import datetime
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.privacy.config import ENTITIES, RedactionConfig
from core.privacy.scan import Span, apply_spans, find_spans, overlap_at, safe_cut

TRUNCATION_NOTE = " [… {n:,} more characters not shown]"
"""Appended to a text cut at ``max_chars``; says how much was left out, shows none of it."""
COUNT_COLUMNS = ["post", "n_redacted", *ENTITIES, "truncated"]
SPAN_COLUMNS = ["post", "entity", "start", "end", "placeholder"]
PROGRESS_EVERY = 200
"""Posts between two progress calls."""
ProgressFn = Callable[[int, int], object]
"""Called as ``progress(done, total)`` while many texts are redacted (e.g. to drive a progress bar)."""


@dataclass(frozen=True)
class RedactedText:
    """One text after redaction.

    Attributes
    ----------
    text
        The text to show: spans replaced by placeholders, cut at ``max_chars``
        (with :data:`TRUNCATION_NOTE`) when longer.
    spans
        Redacted spans as positions in the original text, in order.
    scanned
        Characters at the start of the original text that were scanned and
        may be shown: all of them unless the text was cut.
    length
        Characters in the original text.

    """

    text: str
    spans: tuple[Span, ...]
    scanned: int
    length: int

    @property
    def truncated(self) -> bool:
        """Whether the original was cut at ``max_chars`` (the rest is not shown)."""
        return self.scanned < self.length


@dataclass(frozen=True)
class Redaction:
    """Redacted texts and what was hidden in each.

    Attributes
    ----------
    texts
        One redacted text per input, in order.
    counts
        One row per post: ``post`` (position), ``n_redacted``, one count column
        per kind in :data:`~core.privacy.config.ENTITIES` and ``truncated``.
    spans
        One row per redacted span: ``post``, ``entity``, ``start``, ``end``
        (positions in the original text) and ``placeholder``.

    """

    texts: list[str]
    counts: pd.DataFrame
    spans: pd.DataFrame


MIN_NUMBER = 10**6
"""Smallest whole number redacted as a possible phone number: national numbers have 7 or more digits."""
MAX_NUMBER = 10**19
"""Whole numbers from here on have more digits than any phone or card number."""


def personal_number(value: object) -> str | None:
    """The digits of a number cell that may be a phone or card number (a whole number of 7-19 digits), else None.

    A JSON Lines, Parquet or Excel upload keeps a column of phone or card numbers
    as numbers (``4155552671``, or ``4155552671.0`` where a value is missing), so
    such cells are redacted through these digits. Smaller numbers, fractions and
    bools never are.
    """
    if isinstance(value, (bool, np.bool_)):
        return None
    whole = isinstance(value, (int, np.integer)) or (
        isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer()
    )
    if not whole:
        return None
    number = int(value)  # type: ignore[call-overload]
    return str(number) if MIN_NUMBER <= number < MAX_NUMBER else None


def may_hold_personal_numbers(values: pd.Series) -> bool:
    """Whether a numeric column has a cell :func:`personal_number` would redact (False for other columns)."""
    types = pd.api.types
    if types.is_bool_dtype(values) or not (types.is_integer_dtype(values) or types.is_float_dtype(values)):
        return False
    numbers_ = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        whole = (numbers_ >= MIN_NUMBER) & (numbers_ < MAX_NUMBER) & (numbers_ == np.floor(numbers_))
    return bool(whole.any())


def _as_text(value: object) -> str:
    """Text of a cell: None and NaN become ``""``, a :func:`personal_number` its digits, anything else ``str``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    digits = personal_number(value)
    return digits if digits is not None else str(value)


def needs_redaction(value: object) -> bool:
    """Whether a cell may hold personal data: any value but a missing one, a bool, a date or a small number.

    Text, and anything else whose text could hold it (a dict or list from a JSON
    Lines upload, bytes, ...), is redacted through its ``str``; a whole number of
    7-19 digits (:func:`personal_number`) through its digits.
    """
    if isinstance(value, str):
        return True
    if value is None or value is pd.NA or value is pd.NaT:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    if personal_number(value) is not None:
        return True
    return not isinstance(value, (bool, numbers.Number, np.generic, datetime.date, datetime.time, datetime.timedelta))


def redact_text(text: str, config: RedactionConfig | None = None) -> RedactedText:
    """Redact one text (see :func:`redact_texts`)."""
    config = config or RedactionConfig()
    text = _as_text(text)
    if not config.active:
        return RedactedText(text, (), len(text), len(text))
    from core.privacy.engine import get_engines

    engines = get_engines(config.active, config.phone_regions)
    scanned = len(text)
    if scanned > config.max_chars:
        scanned = safe_cut(text, config.max_chars // 2, config.max_chars)
    body = text[:scanned]
    # Scan a little past a cut so that a match straddling it is found whole; its shown part is redacted.
    ahead = text[: scanned + overlap_at(text, scanned)]
    spans = [
        Span(span.start, min(span.end, scanned), span.entity)
        for span in find_spans(ahead, config.active, engines)
        if span.start < scanned
    ]
    shown = apply_spans(body, spans, engines)
    if scanned < len(text):
        shown += TRUNCATION_NOTE.format(n=len(text) - scanned)
    return RedactedText(shown, tuple(spans), scanned, len(text))


def redact_texts(
    texts: Sequence[object], config: RedactionConfig | None = None, *, progress: ProgressFn | None = None
) -> Redaction:
    """Redact personal data in many texts.

    Parameters
    ----------
    texts
        Posts as written. None and NaN count as empty; other non-strings are
        converted with ``str``.
    config
        What to redact; the default redacts every kind.
    progress
        Called as ``progress(done, total)`` every :data:`PROGRESS_EVERY` posts
        and at the end. Redaction has no partial result: an export is complete
        or not written.

    Returns
    -------
    Redaction
        Redacted texts, per-post counts and the redacted spans. Texts in which
        no pre-filter fires (most posts) are returned as they are without
        calling Presidio. With ``config.enabled`` False every text comes back
        unchanged with zero counts.

    Raises
    ------
    ModLensError
        If the saved spaCy pipeline is missing.

    """
    config = config or RedactionConfig()
    out: list[str] = []
    count_rows: list[dict[str, object]] = []
    span_rows: list[tuple[int, str, int, int, str]] = []
    for post, value in enumerate(texts):
        result = redact_text(_as_text(value), config)
        out.append(result.text)
        row: dict[str, object] = {"post": post, "n_redacted": len(result.spans)}
        row.update(dict.fromkeys(ENTITIES, 0))
        for span in result.spans:
            row[span.entity] = int(row[span.entity]) + 1  # type: ignore[call-overload]
            span_rows.append((post, span.entity, span.start, span.end, span.placeholder))
        row["truncated"] = result.truncated
        count_rows.append(row)
        if progress is not None and (post + 1) % PROGRESS_EVERY == 0:
            progress(post + 1, len(texts))
    if progress is not None:
        progress(len(texts), len(texts))
    counts = pd.DataFrame(count_rows, columns=COUNT_COLUMNS).astype(
        {"post": "int64", "n_redacted": "int64", **dict.fromkeys(ENTITIES, "int64"), "truncated": "bool"}
    )
    spans = pd.DataFrame(span_rows, columns=SPAN_COLUMNS).astype(
        {"post": "int64", "entity": "object", "start": "int64", "end": "int64", "placeholder": "object"}
    )
    return Redaction(out, counts, spans)


def redact_frame(
    frame: pd.DataFrame,
    columns: str | Sequence[str] = "text",
    config: RedactionConfig | None = None,
    *,
    progress: ProgressFn | None = None,
) -> pd.DataFrame:
    """Copy of ``frame`` with personal data redacted in its text column(s), for exports.

    Text cells, and any other cell :func:`needs_redaction` names (a dict or list
    from a JSON Lines upload), become their redacted text; a whole number of
    7-19 digits becomes its placeholder when it is a phone or card number;
    missing values, other numbers, bools and dates are kept as they are. Every other column, the index
    and the column order are unchanged.
    ``progress`` is passed to :func:`redact_texts` (once per column).

    Raises
    ------
    ModLensError
        If a named column is missing (the message lists the columns).

    """
    from core.errors import ModLensError

    names = [columns] if isinstance(columns, str) else list(columns)
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise ModLensError(
            f"Column {', '.join(map(repr, missing))} not found for redaction. "
            f"Columns are: {', '.join(map(str, frame.columns))}."
        )
    config = config or RedactionConfig()
    out = frame.copy()
    if not config.active:
        return out
    for name in names:
        column = out[name]
        is_text = pd.Series([needs_redaction(value) for value in column], index=column.index, dtype=bool)
        if not bool(is_text.any()):
            continue
        originals = column[is_text].tolist()
        redacted = redact_texts(originals, config, progress=progress).texts
        # A number in which nothing was found stays the number it was (and a numeric column stays numeric).
        kept = [
            original if digits is not None and text == digits else text
            for original, text, digits in zip(originals, redacted, map(personal_number, originals), strict=True)
        ]
        if any(new is not old for new, old in zip(kept, originals, strict=True)):
            column = column.astype(object)
            column[is_text] = kept
            out[name] = column
    return out
