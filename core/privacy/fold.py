r"""Fold look-alike characters to plain ASCII before scanning, keeping a map back to the original positions.

Personal data written with other characters than the ASCII ones the patterns
look for would otherwise be shown as written: full-width or mathematical letters
and digits (``ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ``, ``４１１１ …``), digits of other
scripts (``٤١٥``), Unicode dashes and spaces in phone and card numbers
(``415‑555‑2671``, a no-break space between card groups), and invisible
characters or combining marks inside an address (``john\u200b.doe@…``). The
scan runs on the folded text; every span found is moved back onto the original
characters it came from, widened over invisible characters right after it, so
the whole original run is redacted and nothing of it is shown.

Folding is one pass over the text with a per-character cache, and an ASCII text
(most posts) is returned as it is.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_DROPPED_CATEGORIES = frozenset({"Cf", "Mn", "Me"})
"""Invisible formatting characters (zero-width space, joiners, soft hyphen, bidi controls) and combining marks."""


@lru_cache(maxsize=65_536)
def fold_char(char: str) -> str:
    """What the scan sees of one character: its ASCII look-alike, ``""`` when invisible, else itself.

    Decimal digits of any script become ASCII digits, dashes ``-``, spaces
    ``" "``, and any character whose compatibility form (NFKC) is ASCII that
    form (full-width and mathematical letters and punctuation). Lone surrogates,
    which no encoder accepts, become U+FFFD.
    """
    if char.isascii():
        return char
    category = unicodedata.category(char)
    if category in _DROPPED_CATEGORIES:
        return ""
    if category == "Cs":
        return "\ufffd"
    if category == "Nd":
        return str(unicodedata.decimal(char))
    if category == "Pd" or char == "\u2212":
        return "-"
    if category == "Zs":
        return " "
    compat = unicodedata.normalize("NFKC", char)
    return compat if compat.isascii() and compat else char


@dataclass(frozen=True)
class Folded:
    """A text as the scan sees it, and where each of its characters came from.

    Attributes
    ----------
    text
        The folded text.
    starts, ends
        ``original[starts[i]:ends[i]]`` is the original character(s) that folded
        character ``i`` came from; None when the folded text is the original.
    dropped
        Original positions of characters that were left out (invisible ones).

    """

    text: str
    starts: list[int] | None = None
    ends: list[int] | None = None
    dropped: frozenset[int] = frozenset()

    def original(self, start: int, end: int, length: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the folded span ``[start, end)``, widened over dropped characters after it.

        ``length`` is the original text's length.
        """
        if self.starts is None or self.ends is None or end <= start:
            return start, end
        first, last = self.starts[start], self.ends[end - 1]
        while last < length and last in self.dropped:
            last += 1
        return first, last


def fold(text: str) -> Folded:
    """``text`` with every character replaced by :func:`fold_char`, and the map back to ``text``."""
    if text.isascii():
        return Folded(text)
    pieces = [fold_char(char) for char in text]
    if all(len(piece) == 1 for piece in pieces):
        return Folded("".join(pieces))
    starts: list[int] = []
    ends: list[int] = []
    dropped: set[int] = set()
    for position, piece in enumerate(pieces):
        if not piece:
            dropped.add(position)
            continue
        starts.extend([position] * len(piece))
        ends.extend([position + 1] * len(piece))
    return Folded("".join(pieces), starts, ends, frozenset(dropped))
