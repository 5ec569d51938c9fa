"""Highlight segments cover the text exactly, HTML is escaped, figures carry the right data."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from core.explain.faithfulness import summarize_faithfulness
from core.explain.figures import faithfulness_figure, global_tokens_figure, token_bar_figure
from core.explain.highlight import highlight_html, segments
from core.explain.tokens import token_spans

PAYLOAD = '<script>alert("x")</script> <img src=x onerror=alert(1)> idiot &amp; "quoted" \'single\''


def _rows(text: str, values: list[float] | None = None) -> pd.DataFrame:
    """Token rows for ``text`` with the given values (default: alternating signs)."""
    spans = token_spans(text)
    values = values if values is not None else [(-1) ** i * (i + 1) / 10 for i in range(len(spans))]
    return pd.DataFrame(
        {
            "token": [text[s:e] for s, e in spans],
            "start": [s for s, _ in spans],
            "end": [e for _, e in spans],
            "value": values,
        }
    )


@pytest.mark.parametrize(
    "text",
    ["", "   ", "!!!", "You are an idiot!!", "  lead and trail  ", "idiot idiot\n\nidiot", "😀 नमस्ते 你好!", PAYLOAD],
)
def test_segments_rebuild_the_text_exactly(text: str) -> None:
    rows = _rows(text)
    pieces = segments(text, rows)
    assert "".join(piece for piece, _ in pieces) == text
    assert all(piece for piece, _ in pieces)
    valued = [(piece, value) for piece, value in pieces if value is not None]
    assert valued == list(zip(rows["token"], rows["value"], strict=True))


def test_segments_reject_a_table_for_another_text() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        segments("short", pd.DataFrame({"start": [0], "end": [50], "value": [0.1]}))
    with pytest.raises(ValueError, match="does not fit"):
        segments("a b c", pd.DataFrame({"start": [0, 0], "end": [1, 1], "value": [0.1, 0.2]}))


def test_hostile_post_comes_out_as_inert_escaped_text() -> None:
    html_out = highlight_html(PAYLOAD, _rows(PAYLOAD))
    assert "<script" not in html_out.lower()
    assert "<img" not in html_out.lower()
    assert html_out.count("&lt;") == 3 and "alert(&quot;x&quot;)&lt;/script" in html_out
    assert all(entity in html_out for entity in ("&amp;", "&quot;", "&#x27;", "&gt;"))
    # Only our own tags remain, and no attribute carries post text.
    assert set(re.findall(r"<(/?\w+)", html_out)) == {"div", "/div", "span", "/span"}
    # Removing our tags and unescaping gives back exactly the post as written.
    assert html.unescape(re.sub(r"<[^>]*>", "", html_out)) == PAYLOAD


def test_highlight_colours_red_blue_on_the_score_scale_with_value_titles() -> None:
    text = "bad good meh"
    html_out = highlight_html(text, _rows(text, [0.5, -0.25, 0.0]))
    assert 'style="background-color: rgba(220, 38, 38, 0.500); border-radius: 3px" title="+0.5000">bad</span>' in (
        html_out
    )  # half the score range: half colour
    assert "rgba(37, 99, 235, 0.250)" in html_out and 'title="-0.2500">good<' in html_out
    assert "rgba(220, 38, 38, 0.000)" in html_out and 'title="+0.0000">meh<' in html_out
    assert "np.float64" not in html_out
    shared = highlight_html(text, _rows(text, [0.5, -0.25, 0.0]), max_abs=2.0)
    assert "rgba(220, 38, 38, 0.250)" in shared
    per_post = highlight_html(text, _rows(text, [0.5, -0.25, 0.0]), max_abs=None)
    assert "rgba(220, 38, 38, 1.000)" in per_post


def test_tiny_values_stay_pale_whatever_the_post() -> None:
    """A long post whose words each add 0.001 must not look as strong as an insult (issue 10, item 8)."""
    text = "just a long and harmless post"
    html_out = highlight_html(text, _rows(text, [0.001, -0.001, 0.0005, 0.001, -0.0008, 0.0002]))
    alphas = [float(a) for a in re.findall(r"rgba\(\d+, \d+, \d+, ([\d.]+)\)", html_out)]
    assert len(alphas) == 6 and max(alphas) <= 0.001
    assert highlight_html("", _rows("")).endswith("></div>")


def test_token_bar_figure_shows_strongest_both_ways() -> None:
    text = "a b c d e f"
    rows = _rows(text, [0.5, -0.4, 0.3, -0.1, 0.0, 0.2])
    fig = token_bar_figure(rows, n=2).to_dict()
    bar = fig["data"][0]
    assert list(bar["x"]) == [-0.4, -0.1, 0.3, 0.5]
    assert list(bar["y"]) == ["b @2", "d @6", "c @4", "a @0"]
    assert list(bar["marker"]["color"]) == ["rgb(37, 99, 235)"] * 2 + ["rgb(220, 38, 38)"] * 2
    assert bar["orientation"] == "h"
    assert fig["layout"]["title"]["text"] == "Strongest words"


def test_global_tokens_figure_orders_by_mean_absolute_value() -> None:
    table = pd.DataFrame(
        {
            "label": ["toxic", "toxic", "toxic", "hate"],
            "token": ["idiot", "nice", "the", "vermin"],
            "mean_value": [0.4, -0.3, 0.01, 0.5],
            "mean_abs_value": [0.4, 0.3, 0.05, 0.5],
            "count": [5, 3, 40, 2],
            "n_posts": [4, 3, 30, 2],
            "posts": [[1], [2], [3], [4]],
        }
    )
    fig = global_tokens_figure(table, label="toxic", n=2).to_dict()
    bar = fig["data"][0]
    assert list(bar["y"]) == ["nice", "idiot"]  # largest at the top of a horizontal bar chart
    assert list(bar["x"]) == [-0.3, 0.4]
    assert [list(c) for c in bar["customdata"]] == [[0.3, 3, 3], [0.4, 5, 4]]
    assert fig["layout"]["title"]["text"] == "Top words for toxic"


def test_faithfulness_figure_compares_top_and_random() -> None:
    table = pd.DataFrame(
        {
            "post_id": [0, 1, 0, 1],
            "label": ["toxic"] * 4,
            "k": [1, 1, 3, 3],
            "top_k_drop": [0.4, 0.2, 0.6, 0.4],
            "random_k_drop": [0.1, 0.0, 0.2, 0.1],
        }
    )
    fig = faithfulness_figure(summarize_faithfulness(table)).to_dict()
    top, random = fig["data"]
    assert (top["name"], random["name"]) == ("Top-k words", "Random k words")
    assert list(top["x"]) == ["k=1", "k=3"]
    assert list(top["y"]) == pytest.approx([0.3, 0.5])
    assert list(random["y"]) == pytest.approx([0.05, 0.15])
    assert fig["layout"]["barmode"] == "group"


def test_figure_titles_escape_the_label_for_plotly() -> None:
    label = '<a href="https://evil.example">click</a>'
    words = pd.DataFrame(
        {"label": [label], "token": ["w"], "mean_abs_value": [0.2], "mean_value": [0.2], "count": [1], "n_posts": [1]}
    )
    summary = pd.DataFrame({"label": [label], "k": [1], "top_k_drop": [0.1], "random_k_drop": [0.0]})
    rows = pd.DataFrame({"token": ["w"], "start": [0], "value": [0.1]})
    titles = [
        global_tokens_figure(words, label=label).layout.title.text,
        faithfulness_figure(summary, label=label).layout.title.text,
        faithfulness_figure(summary).layout.title.text,  # the label taken from the summary
        token_bar_figure(rows, title=f"Strongest words for {label}").layout.title.text,
    ]
    for title in titles:
        assert "<a" not in title and "&lt;a href=&quot;https://evil.example&quot;&gt;click&lt;/a&gt;" in title
    assert token_bar_figure(rows).layout.title.text == "Strongest words"
