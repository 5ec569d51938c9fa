"""Find the spans of personal data in one text, in bounded, overlapping pieces.

A text is cut into chunks of at most :data:`CHUNK_CHARS` characters, at
whitespace where it can (:func:`safe_cut`), and each chunk is scanned in a
*window* that reaches :func:`overlap_at` characters past each of its cuts into
the neighbouring chunks. A match no longer than the overlap therefore lies
whole, with the characters its patterns look at on either side, in the window
of the chunk it starts in, and is found there as in a scan of the whole text,
even when it straddles a cut. A window keeps the matches that reach into its
own chunk; the spans of all windows, in positions of the text, are merged by
:func:`merge_overlaps` (a match found by two windows becomes one span).

Each window is pre-filtered (:func:`core.privacy.patterns.candidate_entities`)
and only windows with candidates go through Presidio. A window holds at most
``CHUNK_CHARS + 2 * RUN_OVERLAP_CHARS`` characters and chunks advance by at
least ``CHUNK_CHARS // 2``, so a text costs time linear in its length, and the
quadratic steps inside Presidio (de-duplicating and resolving overlapping
results) never see more than one window's matches. The overlaps add about
``2 * OVERLAP_CHARS / CHUNK_CHARS`` (6 %) to the work on a long text, up to
about 65 % where it is cut inside long runs without whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from core.privacy.config import PLACEHOLDERS, PRESIDIO_TYPES
from core.privacy.engine import Engines, presidio_types
from core.privacy.fold import fold
from core.privacy.patterns import candidate_entities

CHUNK_CHARS = 8_192
"""Most characters in a chunk; its window adds the overlaps past its cuts."""
MIN_CUT = CHUNK_CHARS // 2
"""A chunk is cut at whitespace in its second half; only a whitespace-free run longer than this is cut hard."""
OVERLAP_CHARS = 256
"""Characters a window reaches past a cut made at whitespace.

Only a match that holds whitespace can straddle such a cut: a phone number (its
candidate window, :data:`~core.privacy.patterns.PHONE_WINDOW`, is at most 64
characters) or a card number (at most 22 with separators). 256 covers these, the
2-3 characters the patterns look at around a match, and leaves room for
recognisers of spaced numbers added later (an IBAN is at most 42 characters).
"""
RUN_OVERLAP_CHARS = 2_688
"""Characters a window reaches past a hard cut inside a run of 4,096 or more characters without whitespace.

Any match can straddle such a cut. The longest are links: a ``www.`` or bare
domain of 8 labels of 63 characters, a 24-letter suffix, a port and a
2,048-character path come to 2,598 characters (an e-mail address is at most
601, a Mastodon handle 568). Only a link with parenthesised parts can be longer
than this; the whole-text scan already stops any link after its 2,048th path
character.
"""

_SPACE = r"[^\S\x1c-\x1f]"
"""Whitespace as the ``regex`` module used by Presidio sees it: ``re``'s ``\\s`` also matches ``\\x1c``-``\\x1f``,
which a link may contain."""
_CUT_PLACES = (
    re.compile(rf"(?<![0-9+().\-]){_SPACE}+(?![0-9+().\-])"),
    re.compile(rf"(?<![0-9+().\-]){_SPACE}+"),
    re.compile(rf"{_SPACE}+"),
)
"""Where a chunk may end, best first: whitespace with no number on either side, with none before it, any."""
_IS_SPACE = re.compile(_SPACE)
_KIND_OF = {presidio: kind for kind, presidio in PRESIDIO_TYPES.items()}
_PRIORITY = {kind: rank for rank, kind in enumerate(("IBAN", "CARD", "EMAIL", "URL", "IP", "HANDLE", "PHONE"))}
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


def overlap_at(text: str, cut: int) -> int:
    """Characters to scan on each side of a cut of ``text`` at ``cut``.

    Returns
    -------
    int
        0 at either end of the text, :data:`OVERLAP_CHARS` where whitespace is
        on one side of the cut, :data:`RUN_OVERLAP_CHARS` inside a run of
        other characters (a hard cut).

    """
    if cut <= 0 or cut >= len(text):
        return 0
    if _IS_SPACE.match(text, cut - 1) or _IS_SPACE.match(text, cut):
        return OVERLAP_CHARS
    return RUN_OVERLAP_CHARS


def chunk_bounds(text: str, size: int | None = None) -> Iterator[tuple[int, int]]:
    """Consecutive ``(start, end)`` pieces covering ``text``, each at most ``size`` (:data:`CHUNK_CHARS`) characters."""
    size = size or CHUNK_CHARS
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
    characters). Redacting the union never shows part of either match. The same
    match found in two overlapping windows becomes one span.
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

    Each chunk of :func:`chunk_bounds` is scanned with :func:`overlap_at`
    characters on either side, and keeps the matches that reach into the chunk
    itself; a match lying wholly in an overlap belongs to the neighbouring
    chunk, whose window holds it whole (a match starting just inside a window
    edge may lack the characters before it that rule it out). All are merged by
    :func:`merge_overlaps`. The scan sees the text folded by
    :func:`core.privacy.fold.fold` (full-width, other-script digits, Unicode
    dashes and spaces as ASCII, invisible characters and combining marks left
    out); spans are positions in ``text`` itself, covering every original
    character of each match.

    Parameters
    ----------
    text
        The text to scan (already cut to the configured maximum length).
    entities
        ModLens kinds to look for.
    engines
        From :func:`core.privacy.engine.get_engines` for the same kinds.

    """
    if not entities:
        return []
    folded = fold(text)
    spans = _scan(folded.text, entities, engines)
    if folded.starts is None:
        return spans
    moved = [Span(*folded.original(span.start, span.end, len(text)), span.entity) for span in spans]
    return merge_overlaps(moved)


def _scan(text: str, entities: tuple[str, ...], engines: Engines) -> list[Span]:
    """:func:`find_spans` of an already folded text."""
    spans: list[Span] = []
    for start, end in chunk_bounds(text):
        low = max(0, start - overlap_at(text, start))
        window = text[low : min(len(text), end + overlap_at(text, end))]
        kinds = candidate_entities(window, entities)
        if not kinds:
            continue
        found = engines.analyzer.analyze(
            text=window, language="en", entities=presidio_types(kinds), nlp_artifacts=engines.artifacts
        )
        for result in found:
            if result.end > result.start and low + result.end > start and low + result.start < end:
                spans.append(Span(low + result.start, low + result.end, _KIND_OF[result.entity_type]))
    return merge_overlaps(spans)


def apply_spans(text: str, spans: list[Span], engines: Engines) -> str:
    """``text`` with each span replaced by its placeholder, by Presidio's anonymizer, chunk by chunk.

    ``spans`` must be non-overlapping and in order (as :func:`find_spans` gives
    them). A chunk that would end inside a span is extended to the span's end,
    so every span is replaced whole.
    """
    if not spans:
        return text
    from presidio_anonymizer.entities import RecognizerResult

    pieces: list[str] = []
    start = index = 0
    for _, end in chunk_bounds(text):
        if end <= start:
            continue
        inside: list[Span] = []
        while index < len(spans) and spans[index].start < end:
            inside.append(spans[index])
            end = max(end, spans[index].end)
            index += 1
        chunk = text[start:end]
        if inside:
            results = [RecognizerResult(PRESIDIO_TYPES[s.entity], s.start - start, s.end - start, 1.0) for s in inside]
            chunk = engines.anonymizer.anonymize(
                text=chunk, analyzer_results=results, operators=engines.operators, merge_entities_with_spaces=False
            ).text
        pieces.append(chunk)
        start = end
    return "".join(pieces)
