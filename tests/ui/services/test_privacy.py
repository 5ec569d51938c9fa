"""Redaction for display: cells cached per upload and row, pages with a hidden column, tokens masked, exports."""

from __future__ import annotations

import pandas as pd
import pytest

from core.io.posts import Posts
from core.privacy import RedactionConfig, redact_text
from ui.services import privacy

ON, OFF = RedactionConfig(), RedactionConfig(enabled=False)


def test_cells_are_redacted_once_per_upload_column_and_row(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[object]] = []
    real = privacy.redact_texts

    def counting(texts, config=None, **kwargs):
        seen.append(list(texts))
        return real(texts, config, **kwargs)

    monkeypatch.setattr(privacy, "redact_texts", counting)
    cache = privacy.CellCache(entries=3)
    cells = privacy.redact_cells("h", "text", [0, 1, 2], ["mail a@b.com", "fine", 7], ON, cache)
    assert [c.text for c in cells] == ["mail <EMAIL>", "fine", "7"]
    assert [dict(c.hidden) for c in cells] == [{"EMAIL": 1}, {}, {}]
    again = privacy.redact_cells("h", "text", [1, 0], ["fine", "mail a@b.com"], ON, cache)
    assert [c.text for c in again] == ["fine", "mail <EMAIL>"] and len(seen) == 1  # from the cache
    privacy.redact_cells("other upload", "text", [0], ["mail a@b.com"], ON, cache)
    privacy.redact_cells("h", "text", [5, 6], ["x", "y"], ON, cache)
    assert len(cache) == 3  # the least recently used cells were dropped
    assert [c.text for c in privacy.redact_cells("h", "text", [0], ["mail a@b.com"], OFF, cache)] == ["mail a@b.com"]


def test_a_page_gets_redacted_text_columns_and_what_was_hidden() -> None:
    page = pd.DataFrame(
        {"text": ["see https://x.example.com/a", "hi"], "author": ["@bob", None], "score_toxic": [0.1, 0.2]},
        index=pd.Index([10, 11], name="row"),
    )
    shown = privacy.redact_page(page, "h", ["text", "author"], ON)
    assert shown["text"].tolist() == ["see <URL>", "hi"]
    assert shown["author"].iloc[0] == "<HANDLE>" and pd.isna(shown["author"].iloc[1])
    assert shown[privacy.HIDDEN].tolist() == ["1 URL, 1 HANDLE", ""]
    assert shown["score_toxic"].tolist() == [0.1, 0.2] and shown.index.tolist() == [10, 11]
    assert privacy.HIDDEN not in privacy.redact_page(page, "h", ["text"], OFF).columns
    assert privacy.text_columns(page) == ["text", "author"]


def test_tokens_of_hidden_data_read_as_their_placeholder() -> None:
    text = "mail a.b@example.com now"
    tokens = pd.DataFrame(
        {
            "token": ["mail", "a", "b", "example", "com", "now"],
            "start": [0, 5, 7, 9, 17, 21],
            "end": [4, 6, 8, 16, 20, 24],
        }
    )
    masked = privacy.masked_tokens(tokens, redact_text(text))
    assert masked["token"].tolist() == ["mail", "<EMAIL>", "<EMAIL>", "<EMAIL>", "<EMAIL>", "now"]
    assert masked["start"].tolist() == tokens["start"].tolist()  # positions of the original kept
    assert privacy.masked_tokens(tokens, redact_text(text, OFF)) is tokens


def test_exports_redact_every_text_column_of_the_upload() -> None:
    frame = pd.DataFrame({"text": ["a@b.com x", "y"], "author": ["@bob", "c"], "n": [1, 2]})
    posts = Posts(frame=frame, text_col="text", source_name="f.csv", content_hash="export-test")
    redacted = privacy.redacted_columns(posts, ON)
    assert redacted.columns.tolist() == ["text", "author"]
    assert redacted["text"].tolist() == ["<EMAIL> x", "y"] and redacted["author"].tolist() == ["<HANDLE>", "c"]
    assert privacy.redacted_columns(posts, OFF) is None


def test_only_the_allowed_roles_may_reveal() -> None:
    from core.store.roles import Actor, Role, demo_actor

    assert privacy.may_reveal(demo_actor())  # the local admin of a dashboard without accounts
    assert privacy.may_reveal(Actor("root", Role.ADMIN))
    assert not privacy.may_reveal(Actor("rev", Role.REVIEWER))
    assert not privacy.may_reveal(Actor("ana", Role.ANALYST))


def test_nested_values_are_redacted_on_pages_and_in_exports() -> None:
    nested = {"email": "alice@example.org", "phone": "+44 20 7946 0958"}
    page = pd.DataFrame({"user": [nested, 7, None], "score_toxic": [0.1, 0.2, 0.3]}, index=pd.Index([0, 1, 2]))
    out = privacy.redact_page(page, "nested-page", ["user"], ON)
    assert out["user"].tolist() == ["{'email': '<EMAIL>', 'phone': '<PHONE>'}", 7, None]
    assert out[privacy.HIDDEN].tolist() == ["1 EMAIL, 1 PHONE", "", ""]
    assert privacy.redact_page(page, "nested-page", ["user"], OFF)["user"].tolist()[0] is nested
    posts = Posts(
        frame=pd.DataFrame({"text": ["hi", "yo", "ok"], "user": [nested, {"h": "@bob_smith99"}, None]}),
        text_col="text",
        source_name="f.jsonl",
        content_hash="nested-export",
    )
    redacted = privacy.redacted_columns(posts, ON)
    assert redacted["user"].tolist() == ["{'email': '<EMAIL>', 'phone': '<PHONE>'}", "{'h': '<HANDLE>'}", None]


def test_a_page_with_its_own_hidden_column_keeps_it() -> None:
    page = pd.DataFrame(
        {"text": ["mail a@b.com", "hi"], "hidden": ["yes", "no"], "hidden (ModLens)": ["x", "y"]},
        index=pd.Index([0, 1]),
    )
    out = privacy.redact_page(page, "own-hidden", ["text"], ON)
    assert out["hidden"].tolist() == ["yes", "no"] and out["hidden (ModLens)"].tolist() == ["x", "y"]
    assert out["hidden (ModLens 2)"].tolist() == ["1 EMAIL", ""]
    named = privacy.redact_page(page, "own-hidden", ["text"], ON, "what was hidden")
    assert named["what was hidden"].iloc[0] == "1 EMAIL"


def test_numeric_phone_column_is_redacted_on_screen_and_numbers_without_data_are_kept() -> None:
    page = pd.DataFrame(
        {"text": ["hi", "yo"], "phone": [4155552671, 1234567], "score_toxic": [0.1, 0.2]},
        index=pd.Index([0, 1], name="row"),
    )
    assert privacy.text_columns(page) == ["text", "phone"]
    shown = privacy.redact_page(page, "numbers", privacy.text_columns(page), ON)
    assert shown["phone"].tolist() == ["<PHONE>", 1234567]
    assert shown[privacy.HIDDEN].tolist() == ["1 PHONE", ""]


def test_cell_cache_is_bounded_by_characters_as_well_as_cells() -> None:
    cache = privacy.CellCache(entries=1_000, chars=250_000)
    for row in range(10):
        cache.put(("h", "text", row), privacy.Cell("x" * 100_000, {}))
    assert len(cache) == 2
    assert cache.get(("h", "text", 9)) is not None and cache.get(("h", "text", 0)) is None
    cache.put(("h", "text", 9), privacy.Cell("y", {}))  # replacing a cell frees its characters
    cache.put(("h", "text", 10), privacy.Cell("z" * 200_000, {}))
    assert len(cache) == 2
    cache.put(("h", "text", 11), privacy.Cell("w" * 300_000, {}))  # the newest cell is kept even when too long
    assert len(cache) == 1 and cache.get(("h", "text", 11)) is not None
