"""Safe text: Markdown escaping that round-trips, and Plotly text that shows markup literally."""

from __future__ import annotations

import pandas as pd
import pytest

from ui.components import safe_text


@pytest.mark.parametrize(
    "text",
    [
        "**bold** _it_ `code` ~~s~~",
        "[link](http://evil.example) ![img](https://evil.example/x.png)",
        ":red[red] :smile: :material/home:",
        "<img src=x onerror=alert(1)> <b>b</b> &amp;",
        "$x^2$ # heading\n1. item\n- item | a | b |",
        "www.evil.example HTTPS://EVIL.EXAMPLE a@b.example mailto:a@b.example ftp://x",
        "back\\slash \\*",
    ],
)
def test_escape_markdown_round_trips_and_leaves_no_markup(text: str) -> None:
    escaped = safe_text.escape_markdown(text)
    assert safe_text.visible_text(escaped) == text
    unescaped_specials = [
        c for i, c in enumerate(escaped) if c in "*_`[]()<>#:$~|!" and (i == 0 or escaped[i - 1] != "\\")
    ]
    assert unescaped_specials == []
    for token in ("http", "https", "www", "ftp", "mailto"):
        assert token not in escaped.lower()


def test_plotly_text_escapes_markup_and_keeps_other_columns() -> None:
    frame = pd.DataFrame({"token": ["<b>x</b>", "a&b", "plain"], "value": [1.0, 2.0, 3.0]})
    safe = safe_text.plotly_text(frame)
    assert safe["token"].tolist() == ["&lt;b&gt;x&lt;/b&gt;", "a&amp;b", "plain"]
    assert safe["value"].tolist() == [1.0, 2.0, 3.0]
    assert frame["token"].tolist()[0] == "<b>x</b>"  # a copy: the input is untouched
    groups = safe_text.plotly_text(pd.DataFrame({"group": ['"q"']}), "group")
    assert groups["group"].tolist() == ['"q"']  # quotes stay (quote=False)


def test_metric_name_is_readable() -> None:
    assert safe_text.metric_name("mean_test_roc_auc_hate") == "mean test ROC AUC hate"
    assert safe_text.metric_name("f1") == "F1"


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        ("# Model card: ![n](http://x/a.png)", "# Model card: \\![n](http://x/a.png)"),
        ("![ref][logo]\n\n[logo]: http://x/r.png", "\\![ref][logo]\n\n[logo]: http://x/r.png"),
        ('<img src="http://x/t.png">', '&lt;img src="http://x/t.png">'),
        ("\\\\![n](http://x)", "\\\\\\![n](http://x)"),  # an escaped backslash does not escape the image
        ("\\![n](http://x)", "\\![n](http://x)"),  # already a link
        ("| a | b |\n|---|---|\n| **1** | `![c](d)` |", "| a | b |\n|---|---|\n| **1** | `![c](d)` |"),
        ("```\ntrain --name ![n](http://x) <b>\n```\n![n](y)", "```\ntrain --name ![n](http://x) <b>\n```\n\\![n](y)"),
    ],
)
def test_markdown_documents_never_show_images_or_html(card: str, expected: str) -> None:
    assert safe_text.markdown_document(card) == expected


@pytest.mark.parametrize("name", ["alice@example.org", "mailto:p-7", "www.example.org/post:12"])
def test_a_name_copied_from_an_escaped_message_reads_as_the_name(name: str) -> None:
    copied = safe_text._BACKSLASH_ESCAPE.sub(r"\1", safe_text.escape_markdown(name))  # as the browser shows it
    assert copied != name  # it carries invisible word joiners
    assert safe_text.as_typed(f" {copied} ") == name
