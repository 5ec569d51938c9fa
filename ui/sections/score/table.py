"""The Score page's table: filters, the sortable table of all posts, and the post picked, linked to Explain.

Post text is only shown through ``st.dataframe`` and :func:`ui.components.safe_text.post_text`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import state
from ui.components.safe_text import escape_markdown, post_text
from ui.components.tables import picked_row, score_bar
from ui.services import post_markers, results, session
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
"""Widget key of the box where a post's name is typed to open it when the table is too long to select rows."""
POST_INDEX = "post"
"""Name of the table's index as shown: each post's name (the file's id, else its 1-based row number)."""


def forget_widgets() -> None:
    """A new input: no row selected, no filters."""
    state.forget((TABLE, OPEN_ROW))
    FILTERS.forget()


def table_section(result: ScoredPosts, table: pd.DataFrame) -> pd.DataFrame:
    """Filters, the sortable table of all posts, and the selected post with its link to Explain.

    Returns the filtered view (positions as index): the export of the filtered view and
    sending the shown posts to review use it.
    """
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
    how = "type a post's name below to open it" if large else "pick a row to open the post"
    named = f"by the file's '{result.id_col}' column" if result.id_col else "by their row in the file (from 1)"
    st.caption(
        escape_markdown(
            f"Showing {len(view):,} of {len(table):,} posts, named {named}. Click a column header to sort; {how}."
        )
    )
    display = view.copy()
    markers: list[str] = []
    if result.markers is not None:
        added = result.markers.columns(view.index)
        markers = [c for c in added.columns if c not in display.columns]
        display = display.join(added[markers])
    display.index = pd.Index([result.name_of(int(row)) for row in view.index], name=POST_INDEX)
    for column in results.flag_columns(labels):
        display[column] = display[column].astype(bool)
    text_col = result.posts.text_col
    ordered = [text_col, *[c for label in labels for c in (f"score_{label}", f"flag_{label}")], *markers]
    ordered += [c for c in display.columns if c not in ordered]
    config: dict[str, object] = {text_col: st.column_config.TextColumn(width="large"), **marker_columns()}
    for label in labels:
        config[f"score_{label}"] = score_bar()
        config[f"flag_{label}"] = st.column_config.CheckboxColumn()
    height: int | str = "auto" if len(display) <= 10 else 420
    row: int | None = None
    if large:  # only the rows in view travel to the browser; row selection is not available then
        st.dataframe(display, column_order=ordered, column_config=config, height=420, lazy=True)
        typed = st.text_input("Open post", key=OPEN_ROW, placeholder="the post's id or row number")
        row = result.row_of(typed) if typed else None
        if typed and row is None:
            st.warning(escape_markdown(f"No post is named '{typed}'."), icon=":material/search_off:")
    else:
        picked = picked_row(display, key=TABLE, column_order=ordered, column_config=config, height=height)
        if picked is not None:
            row = int(view.index[picked])
    if row is not None:
        selected_post(result, row)
    return view


def marker_columns() -> dict[str, object]:
    """How the marker columns are shown, with what they mean (one place: :mod:`ui.services.post_markers`)."""
    share = int(post_markers.UNKNOWN_WARN_SHARE * 100)
    return {
        post_markers.LONG_POST: st.column_config.CheckboxColumn(
            help="Longer than the model reads at once: scored in overlapping windows, each label's score is its "
            "highest window (an insult at the end counts as much as one at the start)."
        ),
        post_markers.UNKNOWN_WORDS: st.column_config.NumberColumn(
            format="percent", help="Share of the post's words that are not in the model's vocabulary."
        ),
        post_markers.MOSTLY_UNKNOWN: st.column_config.CheckboxColumn(
            help=f"{share}% or more of the words are unknown to the model (emoji, another language, rare "
            "spellings): the score is mostly that of a post it cannot read. Check it yourself."
        ),
    }


def selected_post(result: ScoredPosts, row: int) -> None:
    """The picked post, verbatim, with its scores and a link that opens it on the Explain page."""
    session.open_row(row)
    name = result.name_of(row)
    with st.container(border=True):
        scores = ", ".join(f"{label} {result.scores[row, j]:.3f}" for j, label in enumerate(result.labels))
        st.markdown(f"**Post {escape_markdown(name)}** ({escape_markdown(scores)})")
        post_text(result.posts.texts[row])
        st.page_link(
            "pages/explain.py",
            label="Explain this post",
            icon=":material/lightbulb:",
            query_params={session.POST_PARAM: name},
        )
