"""Token attributions moved onto redacted text never show what was redacted."""

from __future__ import annotations

import pandas as pd
import pytest

from core.explain.highlight import highlight_html, segments
from core.explain.tokens import token_spans
from core.privacy import RedactionConfig, map_attributions, redact_attribution_table, redact_attributions, redact_text

SECRETS = ("john", "x.com", "415", "0132", "bob", "4111")


def _rows(text: str, labels: tuple[str, ...] = ("toxic",), post_id: object = 0) -> pd.DataFrame:
    spans = token_spans(text)
    frames = []
    for label_index, label in enumerate(labels):
        frames.append(
            pd.DataFrame(
                {
                    "post_id": post_id,
                    "label": label,
                    "token": [text[s:e] for s, e in spans],
                    "start": [s for s, _ in spans],
                    "end": [e for _, e in spans],
                    "value": [0.1 * (i + 1) + label_index for i in range(len(spans))],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_tokens_inside_a_span_become_the_placeholder_with_summed_value() -> None:
    text = "call +1 415-555-0132 now idiot"
    redacted, rows = redact_attributions(text, _rows(text))
    assert redacted.text == "call <PHONE> now idiot"
    assert rows["token"].tolist() == ["call", "<PHONE>", "now", "idiot"]
    assert rows["value"].tolist() == pytest.approx([0.1, 0.2 + 0.3, 0.4, 0.5])
    assert rows["redacted"].tolist() == [False, True, False, False]
    for token, start, end in zip(rows["token"], rows["start"], rows["end"], strict=True):
        assert redacted.text[start:end] == token


def test_token_reaching_into_a_span_is_absorbed_and_its_other_part_shown_plain() -> None:
    text = "mail:john@x.com ok"
    redacted, rows = redact_attributions(text, _rows(text))
    assert redacted.text == "mail:<EMAIL> ok"
    assert rows[["token", "start", "end"]].values.tolist() == [["<EMAIL>", 5, 12], ["ok", 13, 15]]
    assert rows["value"].tolist() == pytest.approx([0.1, 0.2])


def test_one_token_holding_two_spans_covers_both_placeholders() -> None:
    text = "x a@b.com,c@d.org y"
    _, rows = redact_attributions(text, _rows(text))
    assert rows["token"].tolist() == ["x", "<EMAIL>,<EMAIL>", "y"]
    assert rows["value"].sum() == pytest.approx(0.1 + 0.2 + 0.3)


def test_total_attribution_is_kept_and_highlight_reveals_nothing() -> None:
    text = "@bob you idiot, mail john@x.com or call +1 415-555-0132, card 4111 1111 1111 1111"
    original = _rows(text, labels=("toxic", "hate"))
    redacted, rows = redact_attributions(text, original)
    for label in ("toxic", "hate"):
        assert rows.loc[rows["label"] == label, "value"].sum() == pytest.approx(
            original.loc[original["label"] == label, "value"].sum()
        )
        label_rows = rows[rows["label"] == label]
        assert "".join(piece for piece, _ in segments(redacted.text, label_rows)) == redacted.text
        html = highlight_html(redacted.text, label_rows)
        assert not any(secret in html for secret in SECRETS)
    assert not any(secret in " ".join(rows["token"]) for secret in SECRETS)
    assert list(rows.columns) == [*original.columns, "redacted"]


def test_text_without_personal_data_keeps_its_table() -> None:
    text = "you are lovely"
    original = _rows(text)
    redacted, rows = redact_attributions(text, original)
    assert redacted.text == text
    pd.testing.assert_frame_equal(rows.drop(columns="redacted"), original)


def test_disabled_redaction_keeps_positions() -> None:
    text = "mail john@x.com"
    redacted, rows = redact_attributions(text, _rows(text), RedactionConfig(enabled=False))
    assert redacted.text == text and rows["token"].tolist() == ["mail", "john@x.com"]


def test_tokens_after_the_scanned_part_are_dropped() -> None:
    text = "word " * 300 + "john@x.com " * 50
    redacted, rows = redact_attributions(text, _rows(text), RedactionConfig(max_chars=1_000))
    assert redacted.truncated
    assert int(rows["end"].max()) <= len(redacted.text)
    assert not any("john" in token for token in rows["token"])


def test_empty_table_maps_to_empty_table() -> None:
    empty = _rows("")
    out = map_attributions(empty, redact_text("a@b.org"))
    assert out.empty and "redacted" in out.columns


def test_missing_columns_are_reported() -> None:
    with pytest.raises(ValueError, match="lacks columns"):
        map_attributions(pd.DataFrame({"token": ["a"]}), redact_text("a"))


def test_table_of_many_posts() -> None:
    texts = {"p1": "hi @bob", "p2": "see example.com now"}
    tokens = pd.concat([_rows(texts["p1"], post_id="p1"), _rows(texts["p2"], post_id="p2")], ignore_index=True)
    shown, rows = redact_attribution_table(tokens, texts)
    assert shown == {"p1": "hi <HANDLE>", "p2": "see <URL> now"}
    assert rows.loc[rows["post_id"] == "p2", "token"].tolist() == ["see", "<URL>", "now"]
    with pytest.raises(KeyError):
        redact_attribution_table(tokens, {"p1": texts["p1"]})
