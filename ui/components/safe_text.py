"""Safe rendering of text that came from users' files.

Post text, column names and label values are hostile: they may hold HTML,
Markdown, Streamlit directives (``:red[...]``, ``:material/icon:``) or links.
Post text is only ever shown with :func:`post_text` (``st.code``, never parsed);
messages that quote file content go through :func:`escape_markdown` first, and
words or names that go into Plotly figures through :func:`plotly_text`; names typed
or pasted back into the page are read through :func:`as_typed`. Markdown
that ModLens generated but that quotes names (model cards) is shown with
:func:`markdown_document`: no image and no raw HTML, so it never makes the page
fetch anything.
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
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:.*?[^`])?\1(?!`)")
_IMAGE_START = re.compile(r"(\\*)!\[")


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


def as_typed(text: str) -> str:
    """What a user typed or pasted into a name box, without the invisible marks ModLens put into it.

    :func:`escape_markdown` shows ``alice@example.org`` with a word joiner after the
    ``@``; copied from a message and pasted into the sign-in form or an account box, it
    would otherwise name no account (post names: ``ScoredPosts.row_of``). Surrounding
    spaces go too.
    """
    return str(text).replace(_WORD_JOINER, "").strip()


def _inert(text: str) -> str:
    r"""Markdown outside code with images turned into links (``\![``) and HTML into text (``&lt;``)."""

    def escape(match: re.Match[str]) -> str:  # an even run of backslashes leaves the "!" unescaped
        slashes = match.group(1)
        return slashes + ("\\" if len(slashes) % 2 == 0 else "") + "!["

    return _IMAGE_START.sub(escape, text.replace("<", "&lt;"))


def markdown_document(text: str) -> str:
    r"""Markdown written by ModLens (a model card) made inert: no image, no raw HTML.

    A name quoted in it (a model name like ``![n](http://...)``) would otherwise
    make the browser fetch that URL. Outside code blocks and code spans (shown
    literally anyway), ``![`` becomes ``\![`` (a link, fetched only if clicked) and
    ``<`` becomes ``&lt;``; headings, tables, lists and emphasis keep working.
    """
    out: list[str] = []
    fence: str | None = None
    for line in str(text).split("\n"):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            out.append(line)
        elif opened:
            fence = opened.group(1)
            out.append(line)
        else:
            parts, last = [], 0
            for span in _CODE_SPAN.finditer(line):
                parts += [_inert(line[last : span.start()]), span.group(0)]
                last = span.end()
            out.append("".join([*parts, _inert(line[last:])]))
    return "\n".join(out)


def document(text: str) -> None:
    """Show Markdown written by ModLens (a model card) through :func:`markdown_document`."""
    st.markdown(markdown_document(text))


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
