"""Highlight a post by its token attributions, safely.

Post text is hostile: it may be made of ``<script>`` tags or ``onerror``
payloads. :func:`highlight_html` therefore builds its HTML by hand and passes
every piece of text through :func:`html.escape`; only numbers we computed go
into attributes. (``shap.plots.text`` is not used: it writes unescaped tokens and,
with NumPy 2, broken ``rgba(np.float64(...))`` colours.)
"""

from __future__ import annotations

import html
import math

import pandas as pd

Segment = tuple[str, "float | None"]
"""A piece of the original text and its attribution (None between tokens)."""

POSITIVE_RGB = (220, 38, 38)
"""Red: the token pushes the label's score up."""
NEGATIVE_RGB = (37, 99, 235)
"""Blue: the token pushes the label's score down."""
SCORE_RANGE = 1.0
"""Attribution that gets full colour: the whole 0-1 score range, the same for every post.

Colours are on the score's own scale, not stretched to each post's largest value: a
word that adds 0.5 to the score is half colour in any post, and the words of a long
post that each add 0.001 stay all but white (scaled per post, they looked as strong)."""


def segments(text: str, token_rows: pd.DataFrame) -> list[Segment]:
    """Split ``text`` into consecutive pieces, each with its token's value or None.

    Parameters
    ----------
    text
        The post as written.
    token_rows
        Attributions of this post for one label: ``start``, ``end``, ``value``.

    Returns
    -------
    list of (str, float or None)
        Joining the pieces gives ``text`` back exactly; token pieces carry their
        value, the text between tokens carries None. Empty pieces are omitted.

    Raises
    ------
    ValueError
        If a span lies outside ``text`` or spans overlap (the table belongs to
        another text).

    """
    rows = token_rows.sort_values("start", kind="stable")
    out: list[Segment] = []
    cursor = 0
    for start, end, value in zip(rows["start"], rows["end"], rows["value"], strict=True):
        start, end = int(start), int(end)
        if start < cursor or end <= start or end > len(text):
            raise ValueError(f"Token span ({start}, {end}) does not fit a text of {len(text)} characters.")
        if start > cursor:
            out.append((text[cursor:start], None))
        out.append((text[start:end], float(value)))
        cursor = end
    if cursor < len(text):
        out.append((text[cursor:], None))
    return out


def _colour(value: float, max_abs: float) -> str:
    """CSS ``rgba`` colour for a value: red or blue with alpha ``|value| / max_abs``."""
    red, green, blue = POSITIVE_RGB if value >= 0 else NEGATIVE_RGB
    alpha = min(abs(value) / max_abs, 1.0) if max_abs > 0 else 0.0
    return f"rgba({red}, {green}, {blue}, {alpha:.3f})"


def highlight_html(text: str, token_rows: pd.DataFrame, *, max_abs: float | None = SCORE_RANGE) -> str:
    """Safe HTML of the post with each token shaded by its attribution.

    Parameters
    ----------
    text
        The post as written (untrusted).
    token_rows
        Attributions of this post for one label: ``start``, ``end``, ``value``.
    max_abs
        Value that gets full colour: :data:`SCORE_RANGE` (the score's 0-1 range,
        comparable across posts) by default; None stretches colours to the largest
        ``|value|`` of this post.

    Returns
    -------
    str
        A ``<div>`` (whitespace preserved) in which every text piece is
        escaped with :func:`html.escape`; tokens are ``<span>`` elements with a
        background colour and a ``title`` giving the value.

    """
    pieces = segments(text, token_rows)
    if max_abs is None:
        values = [abs(v) for _, v in pieces if v is not None and math.isfinite(v)]
        max_abs = max(values, default=0.0)
    parts = ['<div class="modlens-highlight" style="white-space: pre-wrap; line-height: 1.8">']
    for piece, value in pieces:
        escaped = html.escape(piece, quote=True)
        if value is None or not math.isfinite(value):
            parts.append(escaped)
            continue
        title = html.escape(f"{value:+.4f}", quote=True)
        parts.append(
            f'<span style="background-color: {_colour(value, max_abs)}; border-radius: 3px" '
            f'title="{title}">{escaped}</span>'
        )
    parts.append("</div>")
    return "".join(parts)
