"""Languages of an upload: detection in chunks with progress, the column, the banner, the filter."""

from __future__ import annotations

import math

import pandas as pd

from ui.services import languages

TEXTS = [
    "You are a complete idiot and everyone knows it",
    "Eres un completo idiota y todo el mundo lo sabe",
    "Tu es un idiot complet et tout le monde le sait",
    "ok",
    "",
]


def test_detection_in_chunks_reports_progress(monkeypatch) -> None:
    monkeypatch.setattr(languages, "CHUNK", 2)
    seen: list[tuple[int, int]] = []
    found = languages.detect(TEXTS, lambda p: seen.append((p.done, p.total)))
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert found.index.tolist() == [0, 1, 2, 3, 4]
    assert found["language"].tolist() == ["en", "es", "fr", "unknown", "unknown"]
    assert found["non_english"].tolist() == [False, True, True, False, False]
    assert languages.detect([]).empty


def test_the_column_marks_non_english_posts() -> None:
    assert languages.shown_language("es", 0.97, "", True) == "⚠️ es 0.97"
    assert languages.shown_language("de", 0.41, "", False) == "de 0.41"  # unsure: no warning
    assert languages.shown_language("unknown", math.nan, "too short", False) == "unknown (too short)"
    found = languages.detect(TEXTS)
    assert languages.language_column(found, [1, 3])[0].startswith("⚠️ es")


def test_banner_choices_and_filter() -> None:
    found = languages.detect(TEXTS)
    banner = languages.banner(found)
    assert banner is not None and banner.startswith("40% of this upload (2 of 5 posts) looks non-English: ")
    assert "es (1)" in banner and "fr (1)" in banner
    assert languages.banner(languages.detect(TEXTS[:1])) is None
    assert languages.choices(found)[-1] == "unknown" and set(languages.choices(found)) == {"en", "es", "fr", "unknown"}
    assert languages.label_of("unknown", found) == "unknown · 2 posts"
    rows = pd.Index([0, 1, 2, 3])
    assert languages.keep(found, rows, ["es", "fr"]).tolist() == [False, True, True, False]
    assert languages.keep(found, rows, []).all()
