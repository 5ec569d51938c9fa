"""Turn what a reviewer gives a page (a file, the sample, pasted lines) into posts.

No Streamlit here: the upload component and the Score and Bias pages call these and
show the :class:`ModLensError` messages they raise; tests call them directly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from core.errors import LimitExceeded, ModLensError
from core.io.labels import MISSING_WORDS
from core.io.limits import DEFAULT_LIMITS, MB, ReadLimits
from core.io.posts import Posts, find_text_column, read_posts, read_table, text_column_candidates
from core.paths import SAMPLE_POSTS

CHOOSE_HINT = "in the column picker"
PASTED_NAME = "pasted posts"
PASTED_DIGEST_PREFIX = "modlens pasted posts\n"
"""Put before pasted lines when hashing them, so that no uploaded file has the same content hash."""
TRUTH_ALIASES: dict[int, tuple[str, ...]] = {0: ("label", "is_toxic", "toxicity")}
"""Extra column names taken as the truth of the model's first label (``label`` in the sample posts)."""


@dataclass(frozen=True)
class NeedsTextColumn:
    """A file that was read but has no column named like post text: the reviewer picks one.

    Parameters
    ----------
    frame
        The table as read.
    source_name
        File name.
    content_hash
        SHA-256 of the file bytes.
    notes
        Non-fatal notes from reading.
    candidates
        Columns that could hold text, most text-like first (all columns if none look like text).

    """

    frame: pd.DataFrame
    source_name: str
    content_hash: str
    notes: tuple[str, ...]
    candidates: tuple[str, ...]


def content_hash(data: bytes) -> str:
    """SHA-256 of a file's bytes: with the model version, the key of its cached scores."""
    return hashlib.sha256(data).hexdigest()


def load_upload(name: str, data: bytes) -> Posts | NeedsTextColumn:
    """Read an uploaded file; when only the text column is missing, ask for it instead of failing.

    Raises
    ------
    ModLensError
        For every other problem, with core's message.

    """
    try:
        return read_posts(data, filename=name, choose_hint=CHOOSE_HINT)
    except ModLensError:
        frame, notes = read_table(data, name)  # raises the same message if the table itself is bad
        if find_text_column(frame.columns) is not None:
            raise
        candidates = text_column_candidates(frame) or [str(c) for c in frame.columns]
        return NeedsTextColumn(frame, name, content_hash(data), notes, tuple(candidates))


def with_text_column(pending: NeedsTextColumn, column: str) -> Posts:
    """The posts of a file whose text column was picked by the reviewer."""
    if column not in pending.frame.columns:
        raise ModLensError(f"Column '{column}' is not in the file. Choose the text column {CHOOSE_HINT}.")
    posts = Posts(
        frame=pending.frame,
        text_col=column,
        source_name=pending.source_name,
        content_hash=pending.content_hash,
        notes=pending.notes,
    )
    empty = int(posts.empty_mask.sum())
    if empty:
        note = f"{empty} post(s) have empty text; they are kept and scored as empty."
        posts = Posts(posts.frame, column, (), posts.source_name, posts.content_hash, (*posts.notes, note))
    return posts


def sample_posts() -> Posts:
    """The bundled sample posts (``assets/sample_posts.csv``)."""
    return read_posts(SAMPLE_POSTS)


def pasted_posts(text: str, limits: ReadLimits = DEFAULT_LIMITS) -> Posts:
    """One post per non-empty line of ``text``, bounded like an upload (size and rows of ``limits``).

    Raises
    ------
    ModLensError
        When there is no post in the text.
    LimitExceeded
        When the text is larger than an upload may be, or has more posts than a file may have rows.

    """
    could_exceed = len(text) * 4 > limits.max_file_bytes  # UTF-8 takes at most 4 bytes a character
    size = len(text.encode("utf-8", errors="replace")) if could_exceed else len(text)
    if size > limits.max_file_bytes:
        raise LimitExceeded(
            f"The pasted text is {size / MB:,.0f} MB; the limit is {limits.max_file_mb} MB. Paste fewer posts, "
            "or save them to a file and score it on the command line (python -m core score)."
        )
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise ModLensError("Nothing to score: paste at least one post, one per line.")
    if len(lines) > limits.max_rows:
        raise LimitExceeded(
            f"{len(lines):,} posts were pasted; the limit is {limits.max_rows:,}. Paste fewer posts, or save them "
            "to a file and score it on the command line (python -m core score)."
        )
    # Not the hash of a file's bytes: the same text uploaded as a CSV file has a header row, so it
    # holds other posts, and must not share their cached scores (keyed by this hash).
    digest = hashlib.sha256((PASTED_DIGEST_PREFIX + "\n".join(lines)).encode("utf-8")).hexdigest()
    return Posts(frame=pd.DataFrame({"text": lines}), text_col="text", source_name=PASTED_NAME, content_hash=digest)


def guess_truth_columns(
    columns: Sequence[str], labels: Sequence[str], text_col: str, *, frame: pd.DataFrame | None = None
) -> dict[str, str | None]:
    """For each model label, the column that probably holds its truth (same name, or ``label`` for the first).

    With ``frame`` (the table the columns belong to), a column whose every value is
    empty or missing is not guessed: it holds no truth, and guessing it would show an
    error before the reviewer picked anything. A column picked explicitly is still
    checked, with a message.
    """
    by_lower = {str(c).strip().lower(): str(c) for c in columns if c != text_col}
    guesses: dict[str, str | None] = {}
    for index, label in enumerate(labels):
        names = (label.lower(), f"is_{label.lower()}", f"{label.lower()}_label", *TRUTH_ALIASES.get(index, ()))
        found = (by_lower[n] for n in names if n in by_lower)
        guesses[label] = next((c for c in found if frame is None or not _is_empty(frame, c)), None)
    return guesses


def _is_empty(frame: pd.DataFrame, column: str) -> bool:
    """True when every value of ``frame[column]`` is missing or blank (``""``, ``nan``, ``none``, ...).

    Only guessed columns are checked (one column each, not the whole table on every rerun).
    """
    positions = [i for i, name in enumerate(frame.columns) if str(name) == column]
    if not positions:
        return False
    known = frame.iloc[:, positions[0]].dropna()
    if not pd.api.types.is_numeric_dtype(known) and not pd.api.types.is_bool_dtype(known):
        known = known[~known.astype(str).str.strip().str.lower().isin(MISSING_WORDS)]
    return known.empty
