"""Long texts are scanned in overlapping windows: no entity is missed or half shown where a chunk is cut."""

from __future__ import annotations

import random

import pytest
import regex

from core.privacy import RedactionConfig, patterns, redact_text, scan
from core.privacy.engine import get_engines

SIZE, OVERLAP, RUN_OVERLAP = 128, 32, 48
"""Small chunks for fast tests; the overlaps still exceed every entity used here, as the real ones do."""
CARD = "5500 0000 0000 0004"
DASHED_CARD = "5500-0000-0000-0004"
PHONE = "+1 415 555 0132"
EMAIL = "john.smith@example.com"
URL = "https://example.com/a/b?c=1"
TAIL = "y" * 150


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scan, "CHUNK_CHARS", SIZE)
    monkeypatch.setattr(scan, "OVERLAP_CHARS", OVERLAP)
    monkeypatch.setattr(scan, "RUN_OVERLAP_CHARS", RUN_OVERLAP)


def _first_cut(text: str) -> int:
    return next(iter(scan.chunk_bounds(text)))[1]


def _spaces(entity: str) -> list[int]:
    return [index for index, char in enumerate(entity) if char == " "]


@pytest.mark.parametrize(
    ("entity", "placeholder", "at"),
    [(CARD, "<CARD>", at) for at in _spaces(CARD)] + [(PHONE, "<PHONE>", at) for at in _spaces(PHONE)],
)
@pytest.mark.usefixtures("small_chunks")
def test_spaced_number_cut_at_each_of_its_spaces_is_redacted_whole(entity: str, placeholder: str, at: int) -> None:
    # Every space near the cut touches a digit or a dash, so the chunk can only end at one inside the number.
    start = SIZE - 1 - at
    prefix = "x" * (start - 2) + "-\n"
    text = prefix + entity + "\n-" + TAIL
    assert _first_cut(text) == start + at
    assert redact_text(text).text == prefix + placeholder + "\n-" + TAIL


@pytest.mark.parametrize(
    ("entity", "placeholder", "at"),
    [(EMAIL, "<EMAIL>", at) for at in range(1, len(EMAIL))]
    + [(URL, "<URL>", at) for at in range(1, len(URL))]
    + [(DASHED_CARD, "<CARD>", at) for at in range(1, len(DASHED_CARD))],
)
@pytest.mark.usefixtures("small_chunks")
def test_entity_in_a_run_without_whitespace_cut_hard_at_each_position_is_redacted_whole(
    entity: str, placeholder: str, at: int
) -> None:
    start = SIZE - at
    prefix = "x" * (start - 1) + "<"
    text = prefix + entity + ">" + TAIL
    assert _first_cut(text) == start + at
    assert redact_text(text).text == prefix + placeholder + ">" + TAIL


@pytest.mark.parametrize("at", [1, 6, 10, 11, 20])
def test_email_straddling_the_max_chars_cut_is_not_shown_in_part(at: int) -> None:
    start = 1_000 - at
    text = "x" * (start - 1) + "<" + EMAIL + ">" + "y" * 2_000
    result = redact_text(text, RedactionConfig(max_chars=1_000))
    assert result.scanned == 1_000 and result.truncated
    assert result.text.startswith("x" * (start - 1) + "<<EMAIL> [… ")
    assert [(span.start, span.end, span.entity) for span in result.spans] == [(start, 1_000, "EMAIL")]


@pytest.mark.parametrize("at", _spaces(CARD))
def test_card_straddling_the_max_chars_cut_is_not_shown_in_part(at: int) -> None:
    start = 999 - at
    text = "x" * (start - 2) + "-\n" + CARD + "\n-" + "y" * 2_000
    result = redact_text(text, RedactionConfig(max_chars=1_000))
    assert result.scanned == 999
    assert result.text.startswith("x" * (start - 2) + "-\n<CARD> [… ")
    assert not any(char.isdigit() for char in result.text.split(" [… ")[0])


def test_cards_one_per_line_and_an_email_after_a_long_run_are_redacted_at_full_size() -> None:
    cards = ["4111 1111 1111 1111", "5500 0000 0000 0004", "4012 8888 8888 1881"]
    text = "\n".join(cards[i % 3] for i in range(450))
    assert len(text) > scan.CHUNK_CHARS
    result = redact_text(text)
    assert result.text == "\n".join(["<CARD>"] * 450)
    assert len(result.spans) == 450
    tail = redact_text("x" * 8_180 + "-john.smith@example.com").text
    assert tail == "x" * 8_180 + "-<EMAIL>"


def _mixed_text(rng: random.Random) -> str:
    items = [
        "bob@example.org",
        "mary.k+tag@mail.co.uk",
        "https://example.com/p/12?ref=abc",
        "www.test.org/x",
        "bit.ly/3xYz",
        "10.0.0.7",
        "2001:db8::ff00:42:8329",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "+1 415-555-0132",
        "(415) 555-0132",
        "@jack_dorsey",
        "@user@mastodon.social",
    ]
    filler = ["you", "should", "read", "this", "12:30", "2024-05-01,", "0.97", "a.b", "x" * 70, "-", "..."]
    words = []
    for _ in range(rng.randint(30, 80)):
        words.append(rng.choice(items) if rng.random() < 0.5 else rng.choice(filler))
        words.append(rng.choice([" ", "\n", " and ", ", ", "-\n", ":", "/", ""]))
    return "".join(words)


@pytest.mark.parametrize("seed", range(16))
def test_chunked_scan_finds_what_a_whole_text_scan_finds(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    config = RedactionConfig()
    engines = get_engines(config.active, config.phone_regions)
    text = _mixed_text(random.Random(seed))
    monkeypatch.setattr(scan, "CHUNK_CHARS", 10**9)
    whole = scan.find_spans(text, config.active, engines)
    monkeypatch.setattr(scan, "CHUNK_CHARS", 192)
    monkeypatch.setattr(scan, "OVERLAP_CHARS", 80)
    monkeypatch.setattr(scan, "RUN_OVERLAP_CHARS", 96)
    assert len(list(scan.chunk_bounds(text))) > 2
    assert scan.find_spans(text, config.active, engines) == whole
    assert scan.apply_spans(text, whole, engines) == redact_text(text).text


def test_apply_spans_replaces_a_span_that_crosses_a_chunk_cut_whole(small_chunks: None) -> None:
    config = RedactionConfig()
    engines = get_engines(config.active, config.phone_regions)
    text = "x" * 120 + "<" + EMAIL + ">" + TAIL
    spans = [scan.Span(121, 121 + len(EMAIL), "EMAIL")]
    assert _first_cut(text) == SIZE
    assert scan.apply_spans(text, spans, engines) == "x" * 120 + "<<EMAIL>>" + TAIL


def test_overlaps_exceed_the_longest_match_of_each_pattern() -> None:
    # 8 characters of margin for what the patterns look at around a match.
    label = "b" * 63 + "."
    longest = {
        "card": (patterns.CARD, "4111 1111 1111 1111123", scan.OVERLAP_CHARS),
        "phone window": (patterns.PHONE_WINDOW.pattern, "1" + " " * 62 + "1", scan.OVERLAP_CHARS),
        "e-mail": (patterns.EMAIL, "a" * 64 + "@" + label * 8 + "c" * 24, scan.RUN_OVERLAP_CHARS),
        "handle": (patterns.HANDLE, "@" + "a" * 30 + "@" + label * 8 + "c" * 24, scan.RUN_OVERLAP_CHARS),
        "www link": (
            patterns.URL_WWW,
            "www999." + label * 8 + "c" * 24 + ":65535/" + "d" * 2_048,
            scan.RUN_OVERLAP_CHARS,
        ),
        "bare link": (patterns.URL_PATH, label * 8 + "c" * 24 + "/" + "d" * 2_048, scan.RUN_OVERLAP_CHARS),
        "scheme link": (patterns.URL_SCHEME, "https://" + "d" * 2_048, scan.RUN_OVERLAP_CHARS),
    }
    for name, (pattern, text, overlap) in longest.items():
        match = regex.match(pattern, text + " and more", flags=regex.IGNORECASE)
        assert match is not None and match.end() == len(text), name
        assert len(text) + 8 <= overlap, name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x" * 100 + "-john.smith@example.com", "x" * 100 + "-<EMAIL>"),
        ("--john@example.com and .mary@example.org", "--<EMAIL> and .<EMAIL>"),
        ("john.smith@example.com", "<EMAIL>"),
    ],
)
def test_email_starting_inside_a_run_after_punctuation_is_found(text: str, expected: str) -> None:
    # Before, a local part had to start a run, so an address after a run longer than 64 characters was never found.
    assert redact_text(text).text == expected
