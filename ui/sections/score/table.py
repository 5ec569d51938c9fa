"""The Score page's table: filters, one page of the posts (redacted), and the post picked, linked to Explain.

Post text is only shown through ``st.dataframe`` and :func:`ui.components.safe_text.post_text`,
and only as :mod:`ui.services.privacy` redacts it: the table shows one page of
:data:`PAGE_ROWS` posts at a time, so only what is on screen is redacted (cached per
upload and row). Sorting by a column applies to every post; clicking a column header
sorts the page shown. Posts are named by the file's id column, else by their row
number from 1 (:meth:`ui.services.results.ScoredPosts.name_of`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable

import pandas as pd
import streamlit as st

from ui import state
from ui.components.safe_text import escape_markdown, post_text
from ui.components.tables import picked_row, score_bar
from ui.sections.score import languages as score_languages
from ui.services import post_markers, privacy, results, session
from ui.services.languages import LANGUAGE
from ui.services.results import ScoredPosts

PAGE_ROWS = 200
"""Posts per page of the table (redacting a page takes about 0.1 s)."""
TABLE = "modlens.table"
"""Start of the results table's widget keys (its row selection): one key per set of rows shown (:func:`table_key`)."""
TABLES = state.Keys(TABLE)
SHOWN_TABLE = "modlens.table_shown"
"""The widget key of the table shown in the last run (the key whose selection is read)."""
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
"""Widget key of the box where a post's name is typed to open any post of the upload."""
POST_INDEX = "post"
"""Name of the table's index as shown: each post's name (the file's id, else its 1-based row number)."""
ROW_ORDER = "row (as in the file)"
MARKERS = post_markers.MARKER_COLUMNS


def forget_widgets() -> None:
    """A new input: no row selected, no filters, first page."""
    state.forget((TABLE, OPEN_ROW, PAGE))
    FILTERS.forget()


def table_key(content_hash: str, rows: Iterable[object]) -> str:
    """Widget key of the table showing ``rows`` (positions, in order) of the upload ``content_hash``.

    A selection is a position in the rows shown: once a filter, the sort or the page shows
    other rows, that position is another post. The browser keeps a widget's selection
    whatever its data, so the table gets a new key (a new widget, nothing selected) when it
    shows other rows; moving a threshold or renaming the posts keeps it.
    """
    digest = hashlib.sha256(content_hash.encode("utf-8", "replace") + b"\0")
    digest.update(",".join(str(int(row)) for row in rows).encode("ascii"))
    return TABLES(digest.hexdigest()[:16])


def forget_selection() -> None:
    """No row of the table shown is selected any more (a post is being opened by its name)."""
    shown = state.get(SHOWN_TABLE)
    if shown is not None:
        state.pop(shown)


def table_section(result: ScoredPosts, table: pd.DataFrame) -> pd.DataFrame:
    """Filters, one page of the posts, and the selected post with its link to Explain.

    Returns the filtered view (positions as index, every page): the export of the
    filtered view and sending the shown posts to review use it.
    """
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
    view = privacy.search_as_shown(result.posts.content_hash, view, result.texts, search, str(result.posts.text_col))
    view = score_languages.keep(result, view, chosen_languages)
    page = _page(result, sorted_view(view, labels), len(table))
    display = shown_page(result, page)
    text_col = result.posts.text_col
    # the columns ModLens added, by their name in this table (never one of the file's columns)
    added = {column: name for column, name in added_names(page.columns).items() if name in display.columns}
    markers = [added[c] for c in MARKERS if c in added]
    ordered = [text_col, *[c for label in labels for c in (f"score_{label}", f"flag_{label}")], *markers]
    ordered += [added[c] for c in (LANGUAGE, privacy.HIDDEN) if c in added]
    ordered += [c for c in display.columns if c not in ordered]
    config: dict[str, object] = {text_col: st.column_config.TextColumn(width="large")}
    config |= {added[c]: how for c, how in marker_columns().items() if c in added}
    for label in labels:
        config[f"score_{label}"] = score_bar()
        config[f"flag_{label}"] = st.column_config.CheckboxColumn()
    if LANGUAGE in added:
        config[added[LANGUAGE]] = st.column_config.TextColumn(help="Detected language and confidence; ⚠️: not English.")
    if privacy.HIDDEN in added:
        config[added[privacy.HIDDEN]] = st.column_config.TextColumn(help="Personal data hidden in this row.")
    height: int | str = "auto" if len(display) <= 10 else 420
    key = table_key(result.posts.content_hash, page.index)
    state.put(SHOWN_TABLE, key)
    picked = picked_row(display, key=key, column_order=ordered, column_config=config, height=height)
    typed = st.text_input(
        "Open post",
        key=OPEN_ROW,
        placeholder="the post's id or row number",
        on_change=forget_selection,
        help="Any post of the upload, by its name (the file's id, else its row number from 1).",
    )
    row: int | None = None
    if picked is not None:
        row = int(page.index[picked])
    elif typed:
        row = result.row_of(typed)
        if row is None:
            st.warning(escape_markdown(f"No post is named '{typed}'."), icon=":material/search_off:")
    if row is not None:
        selected_post(result, row)
    return view


def sorted_view(view: pd.DataFrame, labels: tuple[str, ...]) -> pd.DataFrame:
    """The filtered rows in the order chosen (a score, or as in the file), over every page."""
    by_col, dir_col, _ = st.columns([2, 1, 4], vertical_alignment="bottom")
    options = [ROW_ORDER, *results.score_columns(labels)]
    by = by_col.selectbox("Sort all posts by", options, key=SORT)
    descending = dir_col.toggle("Highest first", value=True, key=DESCENDING, disabled=by == ROW_ORDER)
    if by == ROW_ORDER or by not in view.columns:
        return view
    return view.sort_values(by, ascending=not descending, kind="stable")


def _page(result: ScoredPosts, view: pd.DataFrame, total: int) -> pd.DataFrame:
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
    named = "by their row in the file (from 1)"
    if result.id_col:
        named = f"by the file's '{escape_markdown(result.id_col)}' column"
    st.caption(
        f"Showing {shown}, named {named}. Pick a row to open the post; clicking a column header sorts this page."
    )
    return page


def added_names(columns: Iterable[object]) -> dict[str, str]:
    """The name each column ModLens adds to the page (markers, what was hidden, language) gets beside ``columns``.

    A column's own name unless the file has a column of that name: then a free one
    (:func:`ui.services.results.free_name`), so that no column of the file is replaced.
    """
    taken = {str(column) for column in columns}
    names: dict[str, str] = {}
    for column in (*MARKERS, privacy.HIDDEN, LANGUAGE):
        names[column] = results.free_name(column, taken)
        taken.add(names[column])
    return names


def shown_page(result: ScoredPosts, page: pd.DataFrame) -> pd.DataFrame:
    """The page as shown: named posts, flags as ticks, markers, personal data redacted, each post's language.

    The columns ModLens adds never replace the file's: see :func:`added_names`.
    """
    posts = result.posts
    config = privacy.config_for(posts.content_hash)
    input_text = [c for c in privacy.text_columns(posts.frame) if c in page.columns]
    names = added_names(page.columns)
    marked = page
    if result.markers is not None:
        added = result.markers.columns(page.index)
        marked = page.join(added.rename(columns={c: names[c] for c in added.columns if c in names}))
    display = privacy.redact_page(marked, posts.content_hash, input_text, config, names[privacy.HIDDEN])
    for column in results.flag_columns(result.labels):
        display[column] = display[column].astype(bool)
    shown_languages = score_languages.language_cells(result, page.index)
    if shown_languages is not None:
        display[names[LANGUAGE]] = shown_languages
    display.index = pd.Index([result.name_of(int(row)) for row in page.index], name=POST_INDEX)
    return display


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
    """The picked post (redacted unless revealed), with its scores and a link that opens it on the Explain page."""
    session.open_row(row)
    name = result.name_of(row)
    posts = result.posts
    with st.container(border=True):
        scores = ", ".join(f"{label} {result.scores[row, j]:.3f}" for j, label in enumerate(result.labels))
        st.markdown(f"**Post {escape_markdown(name)}** ({escape_markdown(scores)})")
        if score_languages.non_english(result, row):
            st.caption("⚠️ This post looks non-English: the model reads English only, so its scores are unreliable.")
        config = privacy.config_for(posts.content_hash)
        post_text(privacy.shown_text(posts.content_hash, row, posts.texts[row], config, column=str(posts.text_col)))
        st.page_link(
            "pages/explain.py",
            label="Explain this post",
            icon=":material/lightbulb:",
            query_params={session.POST_PARAM: name},
        )
