"""The Score page's table: filters, one page of the posts (redacted), and the post picked, linked to Explain.

Post text is only shown through ``st.dataframe`` and :func:`ui.components.safe_text.post_text`,
and only as :mod:`ui.services.privacy` redacts it: the table shows one page of
:data:`PAGE_ROWS` posts at a time, so only what is on screen is redacted (cached per
upload and row). Sorting by a column applies to every post; clicking a column header
sorts the page shown.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from ui import state
from ui.components.safe_text import escape_markdown, post_text
from ui.components.tables import picked_row, score_bar
from ui.sections.score import languages as score_languages
from ui.services import privacy, results, session
from ui.services.languages import LANGUAGE
from ui.services.results import ScoredPosts

PAGE_ROWS = 200
"""Posts per page of the table (redacting a page takes about 0.1 s)."""
TABLE = "modlens.table"
"""Widget key of the results table (its row selection)."""
FILTERS = state.Keys("modlens.filter")
SEARCH = FILTERS("search")
FILTER_LABEL = FILTERS("label")
FILTER_FLAG = FILTERS("flag")
FILTER_RANGE = FILTERS("range")
SORT = FILTERS("sort")
DESCENDING = FILTERS("descending")
PAGE = "modlens.table_page"
"""Widget key of the page number."""
OPEN_ROW = "modlens.open_row"
"""Widget key of the row-number box that opens a post by its number."""
ROW_ORDER = "row (as in the file)"


def forget_widgets() -> None:
    """A new input: no row selected, no filters, first page."""
    state.forget((TABLE, OPEN_ROW, PAGE))
    FILTERS.forget()


def table_section(result: ScoredPosts, table: pd.DataFrame) -> None:
    """Filters, one page of the posts, and the selected post with its link to Explain."""
    labels = result.labels
    search_col, label_col, flag_col, range_col, language_col = st.columns([3, 2, 2, 3, 2])
    search = search_col.text_input("Search post text", key=SEARCH, placeholder="word or phrase")
    label = label_col.selectbox("Label", [results.ANY_LABEL, *labels], key=FILTER_LABEL)
    flag = flag_col.selectbox("Flag", results.FLAG_CHOICES, key=FILTER_FLAG)
    score_range = range_col.slider("Score range", 0.0, 1.0, (0.0, 1.0), step=0.01, key=FILTER_RANGE)
    chosen_languages = score_languages.language_filter(language_col, result)
    view = results.filter_rows(
        table, result.texts, labels, search=search, label=label, flag=flag, score_range=score_range
    )
    view = score_languages.keep(result, view, chosen_languages)
    page = _page(sorted_view(view, labels), len(table))
    display = shown_page(result, page)
    text_col = result.posts.text_col
    ordered = [text_col, *[c for label in labels for c in (f"score_{label}", f"flag_{label}")]]
    ordered += [c for c in (LANGUAGE, privacy.HIDDEN) if c in display.columns]
    ordered += [c for c in display.columns if c not in ordered]
    config: dict[str, object] = {text_col: st.column_config.TextColumn(width="large")}
    for label in labels:
        config[f"score_{label}"] = score_bar()
        config[f"flag_{label}"] = st.column_config.CheckboxColumn()
    if LANGUAGE in display.columns:
        config[LANGUAGE] = st.column_config.TextColumn(help="Detected language and confidence; ⚠️: not English.")
    if privacy.HIDDEN in display.columns:
        config[privacy.HIDDEN] = st.column_config.TextColumn(help="Personal data hidden in this row.")
    height: int | str = "auto" if len(display) <= 10 else 420
    picked = picked_row(display, key=TABLE, column_order=ordered, column_config=config, height=height)
    typed = st.number_input(
        "Open post number",
        min_value=0,
        max_value=max(len(table) - 1, 0),
        value=None,
        step=1,
        key=OPEN_ROW,
        on_change=state.pop,
        args=(TABLE,),
        help="Any post of the upload, by its row number (the first post is 0).",
    )
    row = int(page.index[picked]) if picked is not None else None if typed is None else int(typed)
    if row is not None:
        selected_post(result, row)


def sorted_view(view: pd.DataFrame, labels: tuple[str, ...]) -> pd.DataFrame:
    """The filtered rows in the order chosen (a score, or as in the file), over every page."""
    by_col, dir_col, _ = st.columns([2, 1, 4], vertical_alignment="bottom")
    options = [ROW_ORDER, *results.score_columns(labels)]
    by = by_col.selectbox("Sort all posts by", options, key=SORT)
    descending = dir_col.toggle("Highest first", value=True, key=DESCENDING, disabled=by == ROW_ORDER)
    if by == ROW_ORDER or by not in view.columns:
        return view
    return view.sort_values(by, ascending=not descending, kind="stable")


def _page(view: pd.DataFrame, total: int) -> pd.DataFrame:
    """The page of ``view`` chosen with the page box."""
    pages = max(1, math.ceil(len(view) / PAGE_ROWS))
    if int(state.get(PAGE) or 1) > pages:  # fewer pages since the filters changed
        state.put(PAGE, 1)
    number = 1
    if pages > 1:
        number = int(st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key=PAGE))
    first = (number - 1) * PAGE_ROWS
    page = view.iloc[first : first + PAGE_ROWS]
    shown = (
        f"posts {first + 1:,}-{first + len(page):,} of the {len(view):,} that match, of {total:,} posts"
        if pages > 1
        else f"{len(view):,} of {total:,} posts"
    )
    st.caption(f"Showing {shown}. Pick a row to open the post; clicking a column header sorts this page.")
    return page


def shown_page(result: ScoredPosts, page: pd.DataFrame) -> pd.DataFrame:
    """The page as shown: flags as ticks, personal data redacted, each post's language."""
    posts = result.posts
    config = privacy.config_for(posts.content_hash)
    input_text = [c for c in privacy.text_columns(posts.frame) if c in page.columns]
    display = privacy.redact_page(page, posts.content_hash, input_text, config)
    for column in results.flag_columns(result.labels):
        display[column] = display[column].astype(bool)
    shown_languages = score_languages.language_cells(result, page.index)
    if shown_languages is not None:
        display[LANGUAGE] = shown_languages
    return display


def selected_post(result: ScoredPosts, row: int) -> None:
    """The picked post (redacted unless revealed), with its scores and a link that opens it on the Explain page."""
    session.open_row(row)
    posts = result.posts
    with st.container(border=True):
        scores = ", ".join(f"{label} {result.scores[row, j]:.3f}" for j, label in enumerate(result.labels))
        st.markdown(f"**Post {row}** ({escape_markdown(scores)})")
        if score_languages.non_english(result, row):
            st.caption("⚠️ This post looks non-English: the model reads English only, so its scores are unreliable.")
        config = privacy.config_for(posts.content_hash)
        post_text(privacy.shown_text(posts.content_hash, row, posts.texts[row], config, column=str(posts.text_col)))
        st.page_link(
            "pages/explain.py", label="Explain this post", icon=":material/lightbulb:", query_params={"row": str(row)}
        )
