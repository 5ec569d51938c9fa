"""Split a post into word tokens with exact character spans, and remove tokens from it.

A token is a whitespace-separated run of characters with leading and trailing
punctuation trimmed off (``"idiot!!!"`` -> ``idiot``), except ``$`` that the model
reads as a letter (``a$$``, ``$hit``: see :func:`_reads_as_letter`). Splitting only at
whitespace never cuts what the model reads as one word (links, leetspeak
such as ``f*ck``); a token can hold several model words where
punctuation joins them (``you.idiot``), which the user also reads as one unit.
Because tokens are spans of the original string, every attribution maps back to
the post exactly as written.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

_WORD_RUN = re.compile(r"\S+")
_ASCII_PUNCTUATION = frozenset(string.punctuation)
_ASCII_LETTERS = frozenset(string.ascii_letters)
_INVISIBLE = frozenset("\xad\u200b\u200c\u200d\u2060\ufeff")
"""Characters the model's normaliser deletes before reading symbols, so a neighbour is looked up past them."""

Span = tuple[int, int]
"""Character ``(start, end)`` of a token in the original text, ``text[start:end]``."""


def _is_punctuation(char: str) -> bool:
    """Whether ``char`` is punctuation (ASCII or Unicode), which is trimmed from token edges."""
    return char in _ASCII_PUNCTUATION or unicodedata.category(char).startswith("P")


def _next_visible(text: str, index: int, step: int) -> int:
    """Index of the character next to ``text[index]`` in direction ``step`` (+1/-1), past invisible ones.

    Out of range (-1 or ``len(text)``) at an end of the text.
    """
    index += step
    while 0 <= index < len(text) and text[index] in _INVISIBLE:
        index += step
    return index


def _is_letter_at(text: str, index: int) -> bool:
    """Whether ``text[index]`` exists and is a letter to the normaliser (ASCII, either case)."""
    return 0 <= index < len(text) and text[index] in _ASCII_LETTERS


def _reads_as_letter(text: str, index: int, leading: bool) -> bool:
    """Whether the model's normaliser reads ``text[index]``, at a token edge, as a letter.

    Mirrors ``_undo_symbols`` of :func:`core.model.robust.normalize_post` at word
    edges: after a letter, one or two ``$`` are ``s`` (``a$$``); at the start, a
    ``$`` right before a letter is ``s`` (``$hit``). ``@`` and ``*`` are letters only
    between two letters (``b@stard``, ``f*ck``), never at an edge, so they are
    trimmed there, as are the ``@`` of a mention (``@user``) and a ``$`` before a
    digit (``$5``).

    Parameters
    ----------
    text
        The post.
    index
        Position of the edge character; everything between it and the edge of its
        whitespace-separated run is punctuation already trimmed.
    leading
        True at the token's start, False at its end.

    Returns
    -------
    bool
        True where the character must stay in the token.

    """
    if text[index] != "$":
        return False
    if leading:
        return _is_letter_at(text, _next_visible(text, index, 1))
    before = _next_visible(text, index, -1)
    if before >= 0 and text[before] == "$":
        before = _next_visible(text, before, -1)
    return _is_letter_at(text, before)


def token_spans(text: str) -> list[Span]:
    """Character spans of the word tokens of ``text``, in order.

    Parameters
    ----------
    text
        The post as written. Any string, including empty or whitespace-only.

    Returns
    -------
    list of (int, int)
        Non-overlapping ``(start, end)`` spans with ``text[start:end]`` the token.
        Runs made only of punctuation (``"!!!"``, ``"--"``) give no token: the
        model strips them, so they cannot carry an attribution. Emoji and
        non-Latin words are kept whole.

    """
    spans: list[Span] = []
    for match in _WORD_RUN.finditer(text):
        start, end = match.span()
        while start < end and _is_punctuation(text[start]) and not _reads_as_letter(text, start, True):
            start += 1
        while end > start and _is_punctuation(text[end - 1]) and not _reads_as_letter(text, end - 1, False):
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def tokenize(text: str) -> list[str]:
    """The token strings of ``text`` (``text[start:end]`` for each span)."""
    return [text[start:end] for start, end in token_spans(text)]


def remove_spans(text: str, spans: Sequence[Span], remove: Iterable[int]) -> str:
    """Return ``text`` with the tokens at the given indexes deleted.

    Parameters
    ----------
    text
        The original post.
    spans
        Its token spans, as from :func:`token_spans`.
    remove
        Indexes into ``spans`` of the tokens to delete.

    Returns
    -------
    str
        The text with those token characters cut out and everything else (other
        tokens, whitespace, punctuation) left as written. Deleting rather than
        replacing with a mask word keeps the model from seeing an extra unknown
        word; it is the same "absence" used by SHAP, occlusion and faithfulness.

    """
    drop = sorted(set(remove))
    if not drop:
        return text
    pieces: list[str] = []
    cursor = 0
    for index in drop:
        start, end = spans[index]
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def split_at_spans(text: str, spans: Sequence[Span]) -> tuple[list[str], list[str]]:
    """Cut ``text`` into its tokens and the text between them, for fast repeated deletion.

    Returns ``(tokens, gaps)`` with ``len(gaps) == len(tokens) + 1`` and
    ``gaps[0] + tokens[0] + gaps[1] + ... + tokens[-1] + gaps[-1] == text``;
    :func:`keep_tokens` rebuilds the text with some tokens left out.
    """
    tokens: list[str] = []
    gaps: list[str] = []
    cursor = 0
    for start, end in spans:
        gaps.append(text[cursor:start])
        tokens.append(text[start:end])
        cursor = end
    gaps.append(text[cursor:])
    return tokens, gaps


def keep_tokens(tokens: Sequence[str], gaps: Sequence[str], keep: Iterable[bool]) -> str:
    """The text of :func:`split_at_spans` with the tokens where ``keep`` is False deleted.

    The same string as :func:`remove_spans` (everything else stays as written), in
    about a third of the time: SHAP builds hundreds of these per explained post.
    """
    pieces = zip(tokens, gaps[1:], keep, strict=True)
    return gaps[0] + "".join([token + gap if kept else gap for token, gap, kept in pieces])


class SpanTokenizer:
    """Tokenizer object in the minimal Hugging Face form that ``shap.maskers.Text`` accepts.

    Calling it returns ``{"input_ids": [token strings], "offset_mapping": [spans]}``
    so SHAP's text masker can build its partition tree over our tokens.

    Parameters
    ----------
    max_tokens
        Only the first this many tokens are returned (None: all).

    """

    def __init__(self, max_tokens: int | None = None) -> None:
        self.max_tokens = max_tokens

    def __call__(self, text: str, return_offsets_mapping: bool = True) -> dict[str, Any]:
        """Tokenize ``text`` into token strings and (optionally) their spans."""
        spans = token_spans(text)[: self.max_tokens]
        out: dict[str, Any] = {"input_ids": [text[start:end] for start, end in spans]}
        if return_offsets_mapping:
            out["offset_mapping"] = spans
        return out
