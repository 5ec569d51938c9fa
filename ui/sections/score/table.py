"""The Score page's table: filters, the sortable table of all posts, and the post picked, linked to Explain.

Post text is only shown through ``st.dataframe`` and :func:`ui.components.safe_text.post_text`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import state
from ui.components.safe_text import escape_markdown, post_text
from ui.components.tables import picked_row, score_bar
from ui.services import results, session
from ui.services.results import ScoredPosts

LAZY_ROWS = 20_000
"""Tables longer than this send only the rows in view to the browser (no row selection there)."""
TABLE = "modlens.table"
"""Widget key of the results table (its row selection)."""
FILTERS = state.Keys("modlens.filter")
SEARCH = FILTERS("search")
FILTER_LABEL = FILTERS("label")
FILTER_FLAG = FILTERS("flag")
FILTER_RANGE = FILTERS("range")
OPEN_ROW = "modlens.open_row"
"""Widget key of the row-number box that opens a post when the table is too long to select rows."""


def forget_widgets() -> None:
    """A new input: no row selected, no filters."""
    state.forget((TABLE, OPEN_ROW))
    FILTERS.forget()


def table_section(result: ScoredPosts, table: pd.DataFrame) -> None:
    """Filters, the sortable table of all posts, and the selected post with its link to Explain."""
    labels = result.labels
    search_col, label_col, flag_col, range_col = st.columns([3, 2, 2, 3])
    search = search_col.text_input("Search post text", key=SEARCH, placeholder="word or phrase")
    label = label_col.selectbox("Label", [results.ANY_LABEL, *labels], key=FILTER_LABEL)
    flag = flag_col.selectbox("Flag", results.FLAG_CHOICES, key=FILTER_FLAG)
    score_range = range_col.slider("Score range", 0.0, 1.0, (0.0, 1.0), step=0.01, key=FILTER_RANGE)
    view = results.filter_rows(
        table, result.texts, labels, search=search, label=label, flag=flag, score_range=score_range
    )
    large = len(view) > LAZY_ROWS
    how = "type a post's row number below to open it" if large else "pick a row to open the post"
    st.caption(f"Showing {len(view):,} of {len(table):,} posts. Click a column header to sort; {how}.")
    display = view.copy()
    for column in results.flag_columns(labels):
        display[column] = display[column].astype(bool)
    text_col = result.posts.text_col
    ordered = [text_col, *[c for label in labels for c in (f"score_{label}", f"flag_{label}")]]
    ordered += [c for c in display.columns if c not in ordered]
    config: dict[str, object] = {text_col: st.column_config.TextColumn(width="large")}
    for label in labels:
        config[f"score_{label}"] = score_bar()
        config[f"flag_{label}"] = st.column_config.CheckboxColumn()
    height: int | str = "auto" if len(display) <= 10 else 420
    row: int | None = None
    if large:  # only the rows in view travel to the browser; row selection is not available then
        st.dataframe(display, column_order=ordered, column_config=config, height=420, lazy=True)
        typed = st.number_input(
            "Open post number", min_value=0, max_value=len(table) - 1, value=None, step=1, key=OPEN_ROW
        )
        row = None if typed is None else int(typed)
    else:
        picked = picked_row(display, key=TABLE, column_order=ordered, column_config=config, height=height)
        if picked is not None:
            row = int(view.index[picked])
    if row is not None:
        selected_post(result, row)


def selected_post(result: ScoredPosts, row: int) -> None:
    """The picked post, verbatim, with its scores and a link that opens it on the Explain page."""
    session.open_row(row)
    with st.container(border=True):
        scores = ", ".join(f"{label} {result.scores[row, j]:.3f}" for j, label in enumerate(result.labels))
        st.markdown(f"**Post {row}** ({escape_markdown(scores)})")
        post_text(result.posts.texts[row])
        st.page_link(
            "pages/explain.py", label="Explain this post", icon=":material/lightbulb:", query_params={"row": str(row)}
        )
