"""``$``, ``@`` and ``*`` stay in a token where the model reads them as letters, and are trimmed elsewhere."""

from __future__ import annotations

import itertools

import pytest

from core.explain.tokens import remove_spans, token_spans, tokenize


def _tokens_and_spans(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Each token with its span, checking that the span indexes the text as written."""
    return [(text[start:end], (start, end)) for start, end in token_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("you are $hit", [("you", (0, 3)), ("are", (4, 7)), ("$hit", (8, 12))]),
        ("kiss my a$$", [("kiss", (0, 4)), ("my", (5, 7)), ("a$$", (8, 11))]),
        ("dumba$$", [("dumba$$", (0, 7))]),
        ("what a dumba$$!", [("what", (0, 4)), ("a", (5, 6)), ("dumba$$", (7, 14))]),
        ("($hit)", [("$hit", (1, 5))]),
        ('"A$$"!!!', [("A$$", (1, 4))]),
        ("$$hit", [("$hit", (1, 5))]),
        ("a$$$", [("a$$", (0, 3))]),
        ("cla$$.", [("cla$$", (0, 5))]),
        ("a\u200b$$", [("a\u200b$$", (0, 4))]),
    ],
)
def test_dollar_read_as_a_letter_stays_in_the_token(text: str, expected: list[tuple[str, tuple[int, int]]]) -> None:
    assert _tokens_and_spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("b@stard", [("b@stard", (0, 7))]),
        ("f*ck", [("f*ck", (0, 4))]),
        ("@user hi", [("user", (1, 5)), ("hi", (6, 8))]),
        ("costs $5", [("costs", (0, 5)), ("5", (7, 8))]),
        ("*sigh*", [("sigh", (1, 5))]),
        ("word* @ $ **", [("word", (0, 4))]),
        ("5$ $-5 a@ a*", [("5", (0, 1)), ("5", (5, 6)), ("a", (7, 8)), ("a", (10, 11))]),
    ],
)
def test_symbols_as_plain_punctuation_are_still_trimmed(text: str, expected: list[tuple[str, tuple[int, int]]]) -> None:
    assert _tokens_and_spans(text) == expected


def test_removing_a_dollar_word_leaves_none_of_its_letters_behind() -> None:
    text = "kiss my a$$ or $hit"
    spans = token_spans(text)
    assert tokenize(text) == ["kiss", "my", "a$$", "or", "$hit"]
    assert remove_spans(text, spans, [2, 4]) == "kiss my  or "


def test_tokens_read_as_the_words_the_model_reads() -> None:
    """Against the model's normaliser: what trimming leaves reads as nothing, and a token as its whole run.

    Mentions aside: their token is the name after ``@`` (the run reads as ``xxuser``).
    """
    pytest.importorskip("tensorflow")
    import tensorflow as tf

    from core.model.robust import normalize_post

    runs = sorted({"".join(chars) for size in (1, 2, 3, 4) for chars in itertools.product("a$@*5!", repeat=size)})
    runs += ["$hit", "a$$", "dumba$$", "b@stard", "f*ck", "*sigh*", "$5", "($hit)", "a$$$", "!!$$a$$$!!"]
    texts: list[str] = []
    for run in runs:
        text = f"x {run} y"
        inner = [(start, end) for start, end in token_spans(text) if start >= 2 and end <= 2 + len(run)]
        assert len(inner) <= 1
        start, end = inner[0] if inner else (2, 2)
        texts += [run, text[start:end], text[2:start] + " " + text[end : 2 + len(run)]]
    words = [row.decode().split() for row in normalize_post(tf.constant(texts)).numpy()]
    mismatches = [
        (run, token_words, run_words, left)
        for run, run_words, token_words, left in zip(runs, words[::3], words[1::3], words[2::3], strict=True)
        if left or (token_words != run_words and "xxuser" not in run_words)
    ]
    assert mismatches == []
