"""Personal data written with look-alike, invisible or other-script characters is redacted whole."""

from __future__ import annotations

import pandas as pd
import pytest

from core.privacy import redact_attributions, redact_text
from core.privacy.fold import fold, fold_char


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("mail ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ now", "EMAIL"),
        ("mail john\u200b.doe@example.com now", "EMAIL"),
        ("mail john.doe@exam\u200bple.com now", "EMAIL"),
        ("mail john.doe\u200b@example.com now", "EMAIL"),
        ("mail john.doe@exa\u00admple.com now", "EMAIL"),
        ("mail john.doe@example.co\u0301m now", "EMAIL"),
        ("mail 𝐣𝐨𝐡𝐧@𝐞𝐱𝐚𝐦𝐩𝐥𝐞.𝐜𝐨𝐦 now", "EMAIL"),
        ("call ＋１ ４１５ ５５５ ２６７１ now", "PHONE"),
        ("call 415\u2011555\u20112671 now", "PHONE"),
        ("call 415\u2013555\u20132671 now", "PHONE"),
        ("call ٤١٥-٥٥٥-٢٦٧١ now", "PHONE"),
        ("card 4111\u00a01111\u00a01111\u00a01111 now", "CARD"),
        ("card ４１１１１１１１１１１１１１１１ now", "CARD"),
        ("ip １９２.１６８.１.１０ now", "IP"),
        ("see ｈｔｔｐｓ://ｅｘａｍｐｌｅ．ｃｏｍ/ｐ now", "URL"),
        ("hi ＠ｊｏｈｎ now", "HANDLE"),
    ],
)
def test_look_alike_and_invisible_characters_do_not_let_personal_data_through(text: str, entity: str) -> None:
    redacted = redact_text(text)
    word, _, rest = text.partition(" ")
    assert redacted.text == f"{word} <{entity}> now"
    assert [span.entity for span in redacted.spans] == [entity]
    span = redacted.spans[0]
    assert text[span.start : span.end] == rest[: -len(" now")]


def test_combining_mark_at_the_end_of_an_address_is_redacted_with_it() -> None:
    text = "mail john.doe@example.co\u0301m\u0301"
    assert redact_text(text).text == "mail <EMAIL>"


@pytest.mark.parametrize(
    "text",
    [
        "Привет, как дела? Всё хорошо.",
        "مرحبا ١٢٣ كيف حالك ٢٠٢١",
        "नमस्ते दुनिया, आप कैसे हैं?",
        "你好，世界！１２３。",
        "Café déjà vu — naïve façade",
        "Ｔｏｋｙｏ\u3000２０２４年",
        "😀👍🏽👨\u200d👩\u200d👧 family",
    ],
)
def test_ordinary_text_in_other_scripts_is_left_alone(text: str) -> None:
    assert redact_text(text).text == text


def test_lone_surrogate_does_not_crash_the_scan() -> None:
    assert redact_text("\ud800 mail john@example.com").text == "\ud800 mail <EMAIL>"


def test_ascii_text_is_not_copied_or_mapped() -> None:
    folded = fold("plain text")
    assert folded.starts is None
    assert folded.original(2, 5, 10) == (2, 5)


def test_fold_maps_every_folded_character_back() -> None:
    text = "a\u200bｂ\u0301c"
    folded = fold(text)
    assert folded.text == "abc"
    assert folded.original(0, 3, len(text)) == (0, len(text))
    assert folded.original(1, 2, len(text)) == (2, 4)
    assert fold_char("\u2212") == "-"


def test_attributions_over_an_obfuscated_address_show_only_the_placeholder() -> None:
    text = "write to john\u200b.doe@example.com today"
    at = text.index("john")
    tokens = pd.DataFrame(
        {
            "token": ["write", "john\u200b", "doe@example.com", "today"],
            "start": [0, at, at + 6, len(text) - 5],
            "end": [5, at + 5, at + 21, len(text)],
            "value": [0.1, 0.2, 0.3, 0.4],
        }
    )
    redacted, mapped = redact_attributions(text, tokens)
    assert redacted.text == "write to <EMAIL> today"
    assert "john" not in "".join(mapped["token"])
    assert mapped.loc[mapped["redacted"], "value"].tolist() == [pytest.approx(0.5)]
