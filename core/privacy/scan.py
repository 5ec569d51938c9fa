"""Find the spans of personal data in one text, in bounded pieces.

A text is cut into chunks of at most :data:`CHUNK_CHARS` characters at
whitespace that no phone or card number can span, each chunk is pre-filtered
(:func:`core.privacy.patterns.candidate_entities`) and only chunks with
candidates go through Presidio. Work per chunk is bounded, so a text costs time
linear in its length, and the quadratic steps inside Presidio (de-duplicating
and resolving overlapping results) never see more than one chunk's matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from core.privacy.config import PLACEHOLDERS, PRESIDIO_TYPES
from core.privacy.engine import Engines, presidio_types
from core.privacy.patterns import candidate_entities

CHUNK_CHARS = 8_192
"""Most characters given to Presidio at once."""
MIN_CUT = CHUNK_CHARS // 2
"""A chunk is cut at whitespace in its second half; only a whitespace-free run longer than this is cut hard."""

_CUT_PLACES = (
    re.compile(r"(?<![0-9+().\-])\s+(?![0-9+().\-])"),
    re.compile(r"(?<![0-9+().\-])\s+"),
    re.compile(r"\s+"),
)
"""Where a chunk may end, best first: whitespace with no number on either side, with none before it, any."""
_KIND_OF = {presidio: kind for kind, presidio in PRESIDIO_TYPES.items()}
_PRIORITY = {kind: rank for rank, kind in enumerate(("CARD", "EMAIL", "URL", "IP", "HANDLE", "PHONE"))}
"""Which kind names a union of equally long matches: the most specific first (an IP also parses as a phone number)."""


@dataclass(frozen=True)
class Span:
    """One redacted span of the original text: ``text[start:end]`` is replaced by the placeholder of ``entity``."""

    start: int
    end: int
    entity: str

    @property
    def placeholder(self) -> str:
        """``<EMAIL>``, ``<PHONE>``, ... ."""
        return PLACEHOLDERS[self.entity]


def safe_cut(text: str, lo: int, hi: int) -> int:
    """Index in ``(lo, hi]`` to cut ``text`` at: the last whitespace of the best kind available, else ``hi``."""
    for place in _CUT_PLACES:
        last = None
        for match in place.finditer(text, lo, hi):
            last = match.start()
        if last is not None and last > lo:
            return last
    return hi


def chunk_bounds(text: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, int]]:
    """Consecutive ``(start, end)`` pieces covering ``text``, each at most ``size`` characters."""
    start, length = 0, len(text)
    while length - start > size:
        cut = safe_cut(text, start + size // 2, start + size)
        yield start, cut
        start = cut
    yield start, length


def merge_overlaps(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans in text order: overlapping ones become their union.

    The union takes the kind of its longest member (ties: by :data:`_PRIORITY`,
    so a card number or an IP address beats a phone number of the same
    characters). Redacting the union never shows part of either match.
    """
    merged: list[Span] = []
    group: list[Span] = []
    group_end = -1
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if group and span.start >= group_end:
            merged.append(_union(group))
            group = []
        group.append(span)
        group_end = max(group_end, span.end) if len(group) > 1 else span.end
    if group:
        merged.append(_union(group))
    return merged


def _union(group: list[Span]) -> Span:
    best = min(group, key=lambda s: (-(s.end - s.start), _PRIORITY[s.entity]))
    return Span(min(s.start for s in group), max(s.end for s in group), best.entity)


def find_spans(text: str, entities: tuple[str, ...], engines: Engines) -> list[Span]:
    """Spans of personal data of the given kinds in ``text``, non-overlapping, in order.

    Parameters
    ----------
    text
        The text to scan (already cut to the configured maximum length).
    entities
        ModLens kinds to look for.
    engines
        From :func:`core.privacy.engine.get_engines` for the same kinds.

    """
    spans: list[Span] = []
    if not entities:
        return spans
    for start, end in chunk_bounds(text):
        chunk = text[start:end]
        kinds = candidate_entities(chunk, entities)
        if not kinds:
            continue
        found = [
            Span(start + result.start, start + result.end, _KIND_OF[result.entity_type])
            for result in engines.analyzer.analyze(text=chunk, language="en", entities=presidio_types(kinds))
            if result.end > result.start
        ]
        spans.extend(merge_overlaps(found))
    return spans


def apply_spans(text: str, spans: list[Span], engines: Engines) -> str:
    """``text`` with each span replaced by its placeholder, by Presidio's anonymizer, chunk by chunk."""
    if not spans:
        return text
    from presidio_anonymizer.entities import RecognizerResult

    pieces: list[str] = []
    index = 0
    for start, end in chunk_bounds(text):
        inside: list[Span] = []
        while index < len(spans) and spans[index].start < end:
            inside.append(spans[index])
            index += 1
        chunk = text[start:end]
        if not inside:
            pieces.append(chunk)
            continue
        results = [
            RecognizerResult(PRESIDIO_TYPES[s.entity], s.start - start, min(s.end, end) - start, 1.0) for s in inside
        ]
        done = engines.anonymizer.anonymize(
            text=chunk, analyzer_results=results, operators=engines.operators, merge_entities_with_spaces=False
        )
        pieces.append(done.text)
    return "".join(pieces)
