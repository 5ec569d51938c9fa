"""The Bias page's sections: which posts, the settings, per-group metrics, the templated test, identity swaps.

The metrics live in :mod:`core.bias` and their cached computations in
:mod:`ui.services.bias`. Post text, column names and group names from files are
hostile: post text is only shown in dataframes and with
:func:`ui.components.safe_text.post_text`, names in Markdown go through
:func:`ui.components.safe_text.escape_markdown`, and group names in plotly
figures are HTML-escaped (plotly renders a subset of HTML in labels).
"""
