"""The Score page's post names: the file's id column (found by name, or picked here), else 1-based row numbers.

The name a post gets here is its name everywhere: the table, the Explain page and its
``?post=`` link, the Bias page and the exports.
"""

from __future__ import annotations

from core.errors import ModLensError
from ui import state
from ui.components.safe_text import error
from ui.components.upload import pick_column
from ui.services import session
from ui.services.results import ScoredPosts

ROW_NUMBERS = "(row numbers: 1, 2, ...)"
PICKER = "modlens.post_id_column"
"""Widget key of the picker of the column that names the posts."""


def forget_widgets() -> None:
    """A new input: the picker starts from the id column found by name again."""
    state.pop(PICKER)


def numbering_section(result: ScoredPosts) -> ScoredPosts:
    """The picker of the column that names the posts; returns the result named by the chosen column."""
    columns = [str(c) for c in result.posts.frame.columns if c != result.posts.text_col]
    choice = pick_column(
        "Posts are named by",
        [ROW_NUMBERS, *columns],
        key=PICKER,
        default=result.id_col or ROW_NUMBERS,
        help="The file's own post id (a column named id, post_id, comment_id, tweet_id, ... is used when found), "
        "else the row number in the file. Tables, links, the Explain and Bias pages and the exports use it.",
    )
    wanted = None if choice == ROW_NUMBERS else choice
    if wanted == result.id_col:
        return result
    try:
        renamed = result.numbered_by(wanted)
    except ModLensError as exc:
        error(str(exc))
        return result
    session.keep_result(renamed)
    return renamed
