"""Safe rendering of text that came from users' files.

Post text, column names and label values are hostile: they may hold HTML,
Markdown, Streamlit directives (``:red[...]``, ``:material/icon:``) or links.
Post text is only ever shown with :func:`post_text` (``st.code``, never parsed);
messages that quote file content go through :func:`escape_markdown` first, and
words or names that go into Plotly figures through :func:`plotly_text`.
"""

from __future__ import annotations

import html
import re

import pandas as pd
import streamlit as st

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$&=^\"'])")
_WORD_JOINER = "\u2060"
"""Invisible character that splits tokens Streamlit turns into links or icons after escaping."""
_AUTOLINK_START = re.compile(r"(?i)\b(h)(ttps?\\?:)|\b(w)(ww\\?\.)|\b(f)(tp\\?:)|\b(m)(ailto\\?:)")
_SHORTCODE_COLON = re.compile(r":(?=\S)")
_EMAIL_AT = re.compile(r"@(?=\S)")
_BACKSLASH_ESCAPE = re.compile(r"\\(.)")


def escape_markdown(text: str) -> str:
    """Text that Streamlit Markdown shows literally, character for character.

    Backslash-escapes Markdown punctuation, then puts an invisible word joiner
    into what GitHub-flavoured autolinks, emoji and Material icon shortcodes
    match (they are applied after escapes are resolved).
    """
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", str(text))
    escaped = _AUTOLINK_START.sub(
        lambda m: "".join(g for g in m.groups() if g)[:1] + _WORD_JOINER + "".join(g for g in m.groups() if g)[1:],
        escaped,
    )
    escaped = _SHORTCODE_COLON.sub(":" + _WORD_JOINER, escaped)
    return _EMAIL_AT.sub("@" + _WORD_JOINER, escaped)


def visible_text(escaped: str) -> str:
    """What a reader sees of :func:`escape_markdown` output (escapes resolved, word joiners removed)."""
    return _BACKSLASH_ESCAPE.sub(r"\1", escaped).replace(_WORD_JOINER, "")


_METRIC_WORDS = {"roc": "ROC", "auc": "AUC", "pr": "PR", "f1": "F1", "fpr": "FPR", "fnr": "FNR"}


def metric_name(key: str) -> str:
    """Readable name of a metric key: ``mean_test_roc_auc_hate`` -> ``mean test ROC AUC hate``."""
    return " ".join(_METRIC_WORDS.get(word, word) for word in key.split("_"))


def error(message: str) -> None:
    """Show a user-fixable problem (a ``ModLensError`` message) as an error box, literally."""
    st.error(escape_markdown(message), icon=":material/error:")


def note(message: str) -> None:
    """Show a non-fatal note about the input (e.g. empty posts kept), literally."""
    st.info(escape_markdown(message), icon=":material/info:")


def post_text(text: str) -> None:
    """Show one post's text verbatim in a wrapped, unparsed code block."""
    st.code(text, language=None, wrap_lines=True)


def plotly_text(frame: pd.DataFrame, column: str = "token") -> pd.DataFrame:
    """A copy of ``frame`` with ``column`` HTML-escaped, for Plotly.

    Plotly reads axis and hover text as pseudo-HTML (``<b>``, ``<a href>``) and
    shows entities literally, so escaped words appear exactly as written.
    """
    return frame.assign(**{column: frame[column].map(lambda value: html.escape(str(value), quote=False))})
