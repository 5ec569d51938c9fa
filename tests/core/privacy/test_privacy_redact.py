"""Redaction: every kind is found, ordinary text is left alone, tables count what was hidden."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from core.errors import ModLensError
from core.privacy import ENTITIES, RedactionConfig, redact_frame, redact_text, redact_texts
from core.privacy.redact import COUNT_COLUMNS, SPAN_COLUMNS

FOUND = [
    ("mail me at john.doe+tag@example.co.uk.", "mail me at <EMAIL>."),
    ("Jane_Doe-99@Mail.Example.COM wrote", "<EMAIL> wrote"),
    ("ÉMILE@exämple.de", "<EMAIL>"),
    ("me@gmail.com,other@yahoo.com", "<EMAIL>,<EMAIL>"),
    ("Call +1 415-555-0132 or (415) 555-0132 now", "Call <PHONE> or <PHONE> now"),
    ("phone 415.555.0132", "phone <PHONE>"),
    ("UK: 020 7946 0018, mobile 07911 123456", "UK: <PHONE>, mobile <PHONE>"),
    ("tel: +44 20 7946 0018", "tel: <PHONE>"),
    ("+49 30 901820 berlin", "<PHONE> berlin"),
    ("+91 98765 43210", "<PHONE>"),
    ("see https://example.com/path?q=1, or www.test.org.", "see <URL>, or <URL>."),
    ("visit https://en.wikipedia.org/wiki/Foo_(bar).", "visit <URL>."),
    ("(see example.com)", "(see <URL>)"),
    ("bit.ly/3xYz and t.me/chan and youtu.be/abc", "<URL> and <URL> and <URL>"),
    ("news at bbc.co.uk/news/world today", "news at <URL> today"),
    ("<a href='http://evil.com'>x</a>", "<a href='<URL>'>x</a>"),
    ("http://10.1.2.3/admin and http://[2001:db8::1]/x", "<URL> and <URL>"),
    ("SSH to 10.0.0.7", "SSH to <IP>"),
    ("Mr. 68.164.117.79 I don't", "Mr. <IP> I don't"),
    ("x http://t.co/6uZ9e9ZlvQ&#8221; y", "x <URL>&#8221; y"),
    ("(212) 555-0187 (212) 555-0188 (212) 555-0189", "<PHONE> <PHONE> <PHONE>"),
    ("server 192.168.1.20:8080", "server <IP>:8080"),
    ("v6 2001:db8::ff00:42:8329 up", "v6 <IP> up"),
    ("fe80::1ff:fe23:4567:890a%eth0", "<IP>"),
    ("[2001:db8::1]:443", "[<IP>]:443"),
    ("card 4111 1111 1111 1111 ok", "card <CARD> ok"),
    ("4111-1111-1111-1111", "<CARD>"),
    ("amex 378282246310005", "amex <CARD>"),
    ("5555555555554444.", "<CARD>."),
    ("6011111111111117 and 3530 1113 3330 0000", "<CARD> and <CARD>"),
    ("diners 30569309025904", "diners <CARD>"),
    ("thanks @jack_dorsey!", "thanks <HANDLE>!"),
    ("@Jane.Doe_99 hi", "<HANDLE> hi"),
    ("cc @josé_1 and @ünïcode", "cc <HANDLE> and <HANDLE>"),
    ("RT @user: hello", "RT <HANDLE>: hello"),
    ("@USER @USER you suck", "<HANDLE> <HANDLE> you suck"),
    ("follow @user@mastodon.social", "follow <HANDLE>"),
]

LEFT_ALONE = [
    "score 0.97, on 2023-05-12 at 12:30:45, 1,000,000 people, $5,000.00",
    "it was 5:30pm on 12/05/2023 and 10.5.2020",
    "I scored 97.5% and 0.97 AUC, p < 0.05",
    "born in 1987, 34 years, the 2000-2010 decade",
    "order 12345678 ref 1234567890 id 9876543210123 year 2019 zip 90210",
    "12,345,678 views and £1,000,000 and 1,234,567,890",
    "coords 40.7128, -74.0060 and ratio 16:9, Matthew 5:9",
    "ISBN 978-3-16-148410-0",
    "e.g. i.e. U.S.A. a.m. p.m. Mr.Smith T.V. U.K. a.k.a. Ph.D. etc.etc.",
    "I went home.It was late, the end.Then wait...what o.O lol.lol",
    "file.py script.js index.html readme.md main.rs node.js ASP.NET Dr.Who Jan.2020 No.1",
    "v1.2.3 and v2.3.1.4-beta and 3.14159 and 5.5.5.5.5 and 1.2.3.256",
    "std::vector and Foo::Bar and ::1 and :: and dead:beef and ab::cd and 12:30:45:99",
    "C:\\Users\\me and a:b:c:d",
    "4111 1111 1111 1112 fails Luhn, so do 1234 5678 9012 3456 and 0000 0000 0000 0000",
    "tracking 9400100000000000000000 and order #1234567890123",
    "x@y a@b.c foo@bar user@localhost hi@ @ @@ look @ this, me@home",
    "email me at john dot doe at gmail dot com",
    "1-2-3-4-5-6-7 and 1 2 3 4 5 6 7 8 9 and 999-999-999",
    "iPhone 13 Pro, 3 + 4 = 7, tel aviv",
    "no.no yes.no oh.my",
    "",
    "   ",
    "🙂🙂🙂 ✨",
    "日本語のテキスト、メールなし。",
]


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_each_kind_is_replaced_by_its_placeholder(text: str, expected: str) -> None:
    assert redact_text(text).text == expected


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_ordinary_numbers_dates_and_dotted_words_are_left_alone(text: str) -> None:
    result = redact_text(text)
    assert result.text == text
    assert result.spans == ()


def test_batch_returns_texts_counts_and_spans_without_hidden_text() -> None:
    texts = ["hi john@x.com and @bob", "nothing here", None, float("nan"), "call +1 415-555-0132"]
    result = redact_texts(texts)
    assert result.texts == ["hi <EMAIL> and <HANDLE>", "nothing here", "", "", "call <PHONE>"]
    assert list(result.counts.columns) == COUNT_COLUMNS
    assert result.counts["n_redacted"].tolist() == [2, 0, 0, 0, 1]
    assert result.counts.loc[0, "EMAIL"] == 1 and result.counts.loc[0, "HANDLE"] == 1
    assert result.counts.loc[4, "PHONE"] == 1
    assert int(result.counts[list(ENTITIES)].to_numpy().sum()) == 3
    assert list(result.spans.columns) == SPAN_COLUMNS
    assert result.spans[["post", "entity", "start", "end"]].values.tolist() == [
        [0, "EMAIL", 3, 13],
        [0, "HANDLE", 18, 22],
        [4, "PHONE", 5, 20],
    ]
    assert "john" not in result.spans.to_csv() and "john" not in result.counts.to_csv()


def test_empty_batch_gives_empty_tables_with_columns() -> None:
    result = redact_texts([])
    assert result.texts == []
    assert list(result.counts.columns) == COUNT_COLUMNS and result.counts.empty
    assert list(result.spans.columns) == SPAN_COLUMNS and result.spans.empty


def test_only_chosen_entities_are_redacted() -> None:
    config = RedactionConfig(entities=frozenset({"EMAIL"}))
    result = redact_text("john@x.com @bob 10.0.0.7 https://x.org", config)
    assert result.text == "<EMAIL> @bob 10.0.0.7 https://x.org"


def test_disabled_config_returns_texts_unchanged() -> None:
    config = RedactionConfig(enabled=False)
    result = redact_texts(["john@x.com"], config)
    assert result.texts == ["john@x.com"]
    assert result.counts["n_redacted"].tolist() == [0]


def test_overlapping_matches_become_one_placeholder_of_the_longest() -> None:
    assert redact_text("http://192.168.0.1/login?u=me@x.com").text == "<URL>"


def test_spans_map_back_to_the_original_text() -> None:
    text = "a john@x.com b +1 415-555-0132 c 4111 1111 1111 1111 d @bob"
    result = redact_text(text)
    rebuilt, cursor = [], 0
    for span in result.spans:
        rebuilt.append(text[cursor : span.start])
        rebuilt.append(span.placeholder)
        cursor = span.end
    rebuilt.append(text[cursor:])
    assert "".join(rebuilt) == result.text


def test_long_text_is_cut_at_max_chars_with_a_note_and_nothing_unscanned_is_shown() -> None:
    config = RedactionConfig(max_chars=1_000)
    text = "word " * 300 + "secret@example.com " * 10
    result = redact_text(text, config)
    assert result.truncated
    assert result.scanned <= 1_000
    assert "secret" not in result.text
    assert result.text.endswith(f"[… {len(text) - result.scanned:,} more characters not shown]")


def test_pii_after_the_first_chunk_is_found() -> None:
    text = ("filler words here " * 1_000) + "mail bob@example.org now"
    result = redact_text(text)
    assert result.text.endswith("mail <EMAIL> now")
    assert len(result.spans) == 1


def test_phone_number_is_not_split_between_chunks() -> None:
    from core.privacy.scan import CHUNK_CHARS, chunk_bounds

    text = "x" * (CHUNK_CHARS - 10) + " +1 415 555 0132 " + "y" * 20
    cuts = [end for _, end in chunk_bounds(text)][:-1]
    assert cuts and all(not text[cut - 1].isdigit() for cut in cuts)
    assert "<PHONE>" in redact_text(text).text


@pytest.mark.parametrize(
    "text",
    [
        "a." * 50_000,
        "1" * 100_000,
        "a@" * 50_000,
        "ab:" * 33_000,
        "@" * 100_000,
        "é🙂中\u200b\u202e" * 20_000,
        "http://" * 14_000,
    ],
)
def test_hostile_long_inputs_finish_and_keep_length_bounded(text: str) -> None:
    result = redact_text(text)
    assert len(result.text) <= len(text) + 60
    assert isinstance(result.text, str)


def test_ten_megabyte_cell_is_cut_to_max_chars() -> None:
    text = "1" * 10_000_000
    result = redact_text(text)
    assert result.truncated
    assert len(result.text) < 100_100
    assert result.text.startswith("1" * 1_000)


def test_redact_frame_changes_only_text_cells_of_named_columns() -> None:
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "text": ["mail a@b.org", None, "ok"],
            "note": ["c@d.org", "x", "y"],
            "score": [0.1, 0.2, 0.3],
        },
        index=[10, 11, 12],
    )
    out = redact_frame(frame, "text")
    assert out["text"].tolist()[0] == "mail <EMAIL>"
    assert out["text"].isna().tolist() == [False, True, False]
    assert out["note"].tolist() == ["c@d.org", "x", "y"]
    assert out.index.tolist() == [10, 11, 12] and list(out.columns) == list(frame.columns)
    assert frame.loc[10, "text"] == "mail a@b.org"
    both = redact_frame(frame, ["text", "note"])
    assert both["note"].tolist()[0] == "<EMAIL>"


def test_redact_frame_missing_column_says_which_columns_exist() -> None:
    with pytest.raises(ModLensError, match=r"Column 'body' not found.*Columns are: id, text"):
        redact_frame(pd.DataFrame({"id": [1], "text": ["x"]}), "body")


def test_redact_frame_disabled_returns_a_copy() -> None:
    frame = pd.DataFrame({"text": ["a@b.org"]})
    out = redact_frame(frame, config=RedactionConfig(enabled=False))
    assert out["text"].tolist() == ["a@b.org"] and out is not frame


def test_non_string_cell_becomes_its_text() -> None:
    assert redact_texts([12345, math.nan, None]).texts == ["12345", "", ""]


def test_progress_is_reported_during_and_at_the_end() -> None:
    calls: list[tuple[int, int]] = []
    redact_texts(["a@b.org"] * 450, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(200, 450), (400, 450), (450, 450)]
    frame_calls: list[tuple[int, int]] = []
    redact_frame(pd.DataFrame({"text": ["x"] * 3}), progress=lambda done, total: frame_calls.append((done, total)))
    assert frame_calls == [(3, 3)]
