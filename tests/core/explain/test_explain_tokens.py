"""Tokens map to exact spans of the original text; removal deletes only those spans."""

from __future__ import annotations

import pytest

from core.errors import ModLensError
from core.explain.config import MAX_EVALS_CAP, ExplainConfig
from core.explain.tokens import SpanTokenizer, keep_tokens, remove_spans, split_at_spans, token_spans, tokenize


def _check_spans(text: str) -> list[tuple[int, int]]:
    """Spans are ordered, non-overlapping, inside the text and free of whitespace."""
    spans = token_spans(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert not any(char.isspace() for char in text[start:end])
        previous_end = end
    return spans


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("You are an idiot!!!", ["You", "are", "an", "idiot"]),
        ('"Hello," she said... (really?)', ["Hello", "she", "said", "really"]),
        ("don't won’t e-mail x.com", ["don't", "won’t", "e-mail", "x.com"]),
        ("!!! --- ...", []),
        ("", []),
        ("   \n\t ", []),
        ("great 😀 job😡!", ["great", "😀", "job😡"]),
        ("Привет, мир! नमस्ते दुनिया مرحبا", ["Привет", "мир", "नमस्ते", "दुनिया", "مرحبا"]),
        ("«quoted» #tag @user", ["quoted", "tag", "user"]),
    ],
)
def test_tokens_are_words_with_punctuation_trimmed(text: str, tokens: list[str]) -> None:
    spans = _check_spans(text)
    assert [text[start:end] for start, end in spans] == tokens
    assert tokenize(text) == tokens


def test_repeated_words_get_their_own_spans() -> None:
    text = "idiot, idiot and IDIOT idiot"
    spans = token_spans(text)
    idiots = [(start, end) for start, end in spans if text[start:end].lower() == "idiot"]
    assert idiots == [(0, 5), (7, 12), (17, 22), (23, 28)]


def test_spans_index_code_points_not_bytes() -> None:
    text = "😀😀 bad 你好 word"
    spans = token_spans(text)
    assert spans[1] == (3, 6)
    assert text[spans[3][0] : spans[3][1]] == "word"


def test_remove_spans_deletes_only_the_chosen_tokens() -> None:
    text = "You are, an idiot!!"
    spans = token_spans(text)
    assert remove_spans(text, spans, [3]) == "You are, an !!"
    assert remove_spans(text, spans, [1, 0]) == " , an idiot!!"
    assert remove_spans(text, spans, []) == text
    assert remove_spans(text, spans, range(len(spans))) == " ,  !!"


def test_keep_tokens_rebuilds_exactly_what_remove_spans_gives() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    for text in ["", "one", "  Don't   hate, 'them'!! ok ", "a\tb\nc d-e f", "x" * 3 + " ... " + "émoji 🙂 here."]:
        spans = token_spans(text)
        tokens, gaps = split_at_spans(text, spans)
        assert keep_tokens(tokens, gaps, [True] * len(tokens)) == text
        for _ in range(20):
            keep = rng.random(len(spans)) < 0.5
            expected = remove_spans(text, spans, np.flatnonzero(~keep).tolist())
            assert keep_tokens(tokens, gaps, keep.tolist()) == expected


def test_span_tokenizer_speaks_the_huggingface_subset_shap_needs() -> None:
    out = SpanTokenizer()("hi there, you")
    assert out == {"input_ids": ["hi", "there", "you"], "offset_mapping": [(0, 2), (3, 8), (10, 13)]}
    assert SpanTokenizer(max_tokens=2)("a b c")["input_ids"] == ["a", "b"]
    assert SpanTokenizer()("")["input_ids"] == []


def test_config_caps_reject_out_of_range_settings() -> None:
    assert ExplainConfig().max_evals == 700 and ExplainConfig().batch_size == 100
    with pytest.raises(ModLensError, match="max_evals"):
        ExplainConfig(max_evals=MAX_EVALS_CAP + 1)
    with pytest.raises(ModLensError, match="batch_size"):
        ExplainConfig(batch_size=0)
    with pytest.raises(ModLensError, match="fixed_context"):
        ExplainConfig(fixed_context=2)
    with pytest.raises(ModLensError, match="max_tokens"):
        ExplainConfig(max_tokens=2.5)  # type: ignore[arg-type]
    with pytest.raises(Exception, match=r"frozen|assign"):
        ExplainConfig().max_evals = 10  # type: ignore[misc]
