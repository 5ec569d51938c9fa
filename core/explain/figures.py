"""Plotly figures for explanations: pure ``DataFrame -> Figure`` functions.

No Streamlit here; the dashboard only calls ``st.plotly_chart`` on the result.
Red means the token pushes the label's score up, blue that it pushes it down,
as in the text highlighting. Titles and label names are plain text: they are escaped
here for Plotly's HTML-like text (:func:`core.plots.style.escape`); words (``token``)
are the caller's to escape (``ui.components.safe_text.plotly_text``).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core.explain.highlight import NEGATIVE_RGB, POSITIVE_RGB
from core.plots.style import escape

POSITIVE_COLOUR = "rgb({}, {}, {})".format(*POSITIVE_RGB)
NEGATIVE_COLOUR = "rgb({}, {}, {})".format(*NEGATIVE_RGB)
RANDOM_COLOUR = "rgb(148, 163, 184)"


def _bar_colours(values: pd.Series) -> list[str]:
    """Red for non-negative values, blue for negative ones."""
    return [POSITIVE_COLOUR if v >= 0 else NEGATIVE_COLOUR for v in values]


def strongest_tokens(token_rows: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` most positive and ``n`` most negative tokens, most negative first.

    Tokens with value exactly zero are left out: they say nothing either way.
    """
    positive = token_rows[token_rows["value"] > 0].nlargest(n, "value")
    negative = token_rows[token_rows["value"] < 0].nsmallest(n, "value")
    return pd.concat([negative, positive.iloc[::-1]]).sort_values("value", kind="stable").reset_index(drop=True)


def token_bar_figure(token_rows: pd.DataFrame, *, n: int = 10, title: str | None = None) -> go.Figure:
    """Horizontal bars of one post's strongest tokens both ways, for one label.

    Parameters
    ----------
    token_rows
        Token table rows of one post and label (``token``, ``start``, ``value``).
    n
        Tokens shown on each side.
    title
        Figure title (plain text); defaults to "Strongest words".

    Returns
    -------
    plotly.graph_objects.Figure
        One bar per token, largest push up at the top. Repeated words stay
        separate bars, labelled with their character position.

    """
    rows = strongest_tokens(token_rows, n=n)
    names = [f"{token} @{start}" for token, start in zip(rows["token"], rows["start"], strict=True)]
    fig = go.Figure(
        go.Bar(
            x=rows["value"].tolist(),
            y=names,
            orientation="h",
            marker_color=_bar_colours(rows["value"]),
            hovertemplate="%{y}: %{x:+.4f}<extra></extra>",
        )
    )
    fig.update_layout(
        title=escape(title or "Strongest words"),
        xaxis_title="SHAP value (change in score)",
        yaxis={"type": "category"},
        height=max(240, 28 * len(rows) + 120),
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
    )
    return fig


def global_tokens_figure(
    global_tokens: pd.DataFrame, *, label: str, n: int = 20, title: str | None = None
) -> go.Figure:
    """Bars of the words with the largest mean absolute attribution for a label.

    Parameters
    ----------
    global_tokens
        Table from :func:`~core.explain.global_view.aggregate_tokens`.
    label
        Label to show.
    n
        Number of words.
    title
        Figure title (plain text); defaults to "Top words for <label>".

    Returns
    -------
    plotly.graph_objects.Figure
        Bar length is the mean signed attribution (direction), the hover shows
        mean absolute value and counts; words ordered by mean absolute value.

    """
    rows = global_tokens[global_tokens["label"] == label].nlargest(n, "mean_abs_value").iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=rows["mean_value"].tolist(),
            y=rows["token"].tolist(),
            orientation="h",
            marker_color=_bar_colours(rows["mean_value"]),
            customdata=list(zip(rows["mean_abs_value"], rows["count"], rows["n_posts"], strict=True)),
            hovertemplate=(
                "%{y}: mean %{x:+.4f}, mean |value| %{customdata[0]:.4f}, "
                "%{customdata[1]} times in %{customdata[2]} posts<extra></extra>"
            ),
        )
    )
    fig.update_layout(
        title=escape(title or f"Top words for {label}"),
        xaxis_title="Mean SHAP value",
        yaxis={"type": "category"},
        height=max(240, 24 * len(rows) + 120),
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
    )
    return fig


def faithfulness_figure(summary: pd.DataFrame, *, label: str | None = None, title: str | None = None) -> go.Figure:
    """Grouped bars: mean score drop removing the top-k vs k random tokens.

    Parameters
    ----------
    summary
        Table from :func:`~core.explain.faithfulness.summarize_faithfulness`.
    label
        Label to show; the first label in ``summary`` if None.
    title
        Figure title (plain text); defaults to "Faithfulness for <label>".

    Returns
    -------
    plotly.graph_objects.Figure
        Two bar traces ("Top-k words", "Random k words") over ``k``.

    """
    if label is None:
        label = str(summary["label"].iloc[0]) if len(summary) else ""
    rows = summary[summary["label"] == label].sort_values("k")
    ks = [f"k={k}" for k in rows["k"]]
    fig = go.Figure(
        [
            go.Bar(name="Top-k words", x=ks, y=rows["top_k_drop"].tolist(), marker_color=POSITIVE_COLOUR),
            go.Bar(name="Random k words", x=ks, y=rows["random_k_drop"].tolist(), marker_color=RANDOM_COLOUR),
        ]
    )
    fig.update_layout(
        title=escape(title or f"Faithfulness for {label}"),
        barmode="group",
        xaxis_title="Words removed",
        yaxis_title="Mean drop in score",
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
    )
    return fig
