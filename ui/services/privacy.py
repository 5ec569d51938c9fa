"""Personal data in what the dashboard shows and exports: redacted by default, per upload, for display only.

Scoring and explanations always see the original text. What a page shows of an
upload's cells (the Score table, the post opened, the Explain and Bias pages) and
what it exports goes through here first, with :mod:`core.privacy`: e-mail
addresses, phone numbers, URLs, IP addresses, card numbers, @handles and IBANs
become ``<EMAIL>``, ``<PHONE>``, ...

* Redaction is on for every upload; :func:`may_reveal` (the one gate) says who may
  turn it off for one upload (:func:`set_revealed`, checked here, not in the page).
* Pages redact only what they show: :func:`redact_cells` keeps each cell's redacted
  text per upload, column and row (:data:`CELL_CACHE_ENTRIES` cells, least recently
  used dropped), so a page of the table costs a fraction of a second once.
* Exports redact the whole upload (:func:`redacted_columns`, cached per upload).
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.errors import PermissionDenied
from core.io.posts import Posts
from core.privacy import ENTITIES, RedactedText, RedactionConfig, redact_text, redact_texts
from core.privacy.redact import may_hold_personal_numbers, needs_redaction, personal_number
from core.store.audit import record_audit
from core.store.roles import Actor, Role
from ui import state
from ui.services import auth
from ui.services.results import free_name

REVEALED = state.Keys("modlens.privacy.revealed")
"""Per upload (content hash): the :class:`Actor` who turned redaction off for it in this session."""
REVEAL_ROLES = frozenset({Role.ADMIN})
"""Roles that may see an upload's personal data (the roles helper may move this to a permission)."""
CELL_CACHE_ENTRIES = 200_000
"""Redacted cells kept for the whole server (a page of 200 rows of 3 text columns is 600)."""
CELL_CACHE_CHARS = 50_000_000
"""Characters of redacted cells kept for the whole server: long posts (up to 100,000 characters shown each) must
not let the entry limit alone hold gigabytes."""
EXPORT_CACHE_ENTRIES = 4
"""Uploads whose whole redacted text columns are kept for repeated exports."""
CACHE_SECONDS = 6 * 3600
HIDDEN = "hidden"
"""Column of a shown table that says what was redacted in its row ("1 EMAIL, 2 URL")."""


# -- who may see personal data ----------------------------------------------------------------------
def current_actor() -> Actor | None:
    """Who uses the dashboard: the signed-in actor (the demo admin while no account exists), None when signed out."""
    return auth.current()


def may_reveal(actor: Actor | None = None) -> bool:
    """Whether ``actor`` (default: the signed-in one, :func:`current_actor`) may turn redaction off for an upload.

    The one place that decides it; nobody signed in may not. A ``Permission`` for
    personal data can replace :data:`REVEAL_ROLES` without touching the pages.
    """
    who = actor if actor is not None else current_actor()
    return who is not None and who.role in REVEAL_ROLES


def revealed(content_hash: str) -> bool:
    """True when this session turned redaction off for the upload ``content_hash``, as the actor signed in now.

    The reveal belongs to whoever turned it on: when the signed-in user or their
    role changes (or they may no longer see personal data), it is forgotten and
    the upload is redacted again.
    """
    key = REVEALED(content_hash)
    who = state.get(key)
    if who is None:
        return False
    now = current_actor()
    if not isinstance(who, Actor) or who != now or not may_reveal(now):
        state.pop(key)
        return False
    return True


def set_revealed(content_hash: str, reveal: bool) -> None:
    """Turn redaction off (``reveal``) or back on for one upload, in this session, as the signed-in actor.

    Turning it off is recorded in the audit log (``personal_data_reveal``, the
    upload's content hash) before anything is shown.

    Raises
    ------
    PermissionDenied
        When ``reveal`` is asked and nobody is signed in, or the signed-in actor's
        role may not see personal data (:func:`may_reveal`).
    ModLensError
        When the audit event cannot be recorded (the account was disabled, the
        database is busy): nothing is revealed then.

    """
    if not reveal:
        state.pop(REVEALED(content_hash))
        return
    who = current_actor()
    if who is None:
        raise PermissionDenied("Sign in first: ModLens needs to know who you are.")
    if not may_reveal(who):
        allowed = " or ".join(sorted(role.value for role in REVEAL_ROLES))
        raise PermissionDenied(
            f"{who.name} is a {who.role.value}; seeing personal data in uploads needs the {allowed} role. Ask an admin."
        )
    if state.get(REVEALED(content_hash)) != who:
        record_audit(auth.database(), who, "personal_data_reveal", "upload", content_hash)
    state.put(REVEALED(content_hash), who)


def config_for(content_hash: str) -> RedactionConfig:
    """What to redact in the upload ``content_hash``: everything, unless this session revealed it."""
    return RedactionConfig(enabled=not revealed(content_hash))


# -- cells on screen ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    """A cell as shown: its redacted text and how many spans of each kind were hidden."""

    text: str
    hidden: Mapping[str, int]


class CellCache:
    """Redacted cells by ``(upload, column, row, what is redacted)``, least recently used dropped first.

    At most ``entries`` cells and ``chars`` characters of their text are kept (the cell
    just stored always is).
    """

    def __init__(self, entries: int = CELL_CACHE_ENTRIES, chars: int = CELL_CACHE_CHARS) -> None:
        self.entries = entries
        self.chars = chars
        self._held = 0
        self._cells: OrderedDict[Hashable, Cell] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Cell | None:
        """The cell stored under ``key`` (now the most recently used), or None."""
        with self._lock:
            cell = self._cells.get(key)
            if cell is not None:
                self._cells.move_to_end(key)
            return cell

    def put(self, key: Hashable, cell: Cell) -> None:
        """Store a cell, dropping the least recently used ones beyond :attr:`entries` or :attr:`chars`."""
        with self._lock:
            old = self._cells.pop(key, None)
            if old is not None:
                self._held -= len(old.text)
            self._cells[key] = cell
            self._held += len(cell.text)
            while len(self._cells) > 1 and (len(self._cells) > self.entries or self._held > self.chars):
                _, dropped = self._cells.popitem(last=False)
                self._held -= len(dropped.text)

    def __len__(self) -> int:
        return len(self._cells)


@st.cache_resource(show_spinner=False)
def cell_cache() -> CellCache:
    """The server's cache of redacted cells."""
    return CellCache()


def _config_key(config: RedactionConfig) -> tuple:
    return (config.active, config.phone_regions, config.max_chars)


def redact_cells(
    content_hash: str,
    column: str,
    rows: Sequence[int],
    values: Sequence[object],
    config: RedactionConfig,
    cache: CellCache | None = None,
) -> list[Cell]:
    """The cells ``values`` (rows ``rows`` of ``column`` of one upload) as shown: redacted, cached per cell.

    Bools, dates, missing values and numbers other than whole ones of 7-19 digits
    (possible phone or card numbers) are never redacted and come back as ``str``
    of themselves with nothing hidden; every other value (text, or a dict or
    list from a JSON Lines upload) is redacted through its ``str``. With redaction
    off, every value as it is.
    """
    if not config.active:
        return [Cell("" if _missing(v) else str(v), {}) for v in values]
    store = cache if cache is not None else cell_cache()
    found: list[Cell | None] = []
    todo: list[int] = []
    for i, (row, value) in enumerate(zip(rows, values, strict=True)):
        if not needs_redaction(value):
            found.append(Cell("" if _missing(value) else str(value), {}))
            continue
        cell = store.get((content_hash, column, int(row), _config_key(config)))
        found.append(cell)
        if cell is None:
            todo.append(i)
    if todo:
        done = redact_texts([values[i] for i in todo], config)
        counts = done.counts.set_index("post")
        for j, i in enumerate(todo):
            hidden = {kind: int(counts.at[j, kind]) for kind in ENTITIES if int(counts.at[j, kind])}
            cell = Cell(done.texts[j], hidden)
            store.put((content_hash, column, int(rows[i]), _config_key(config)), cell)
            found[i] = cell
    return [cell for cell in found if cell is not None]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def hidden_summary(counts: Mapping[str, int]) -> str:
    """``"1 EMAIL, 2 URL"`` (empty when nothing was hidden)."""
    return ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)


def text_columns(frame: pd.DataFrame) -> list[Hashable]:
    """Columns that may hold personal data: text cells (object or string dtype), or possible phone or card numbers.

    A numeric column is included when a cell is a whole number of 7-19 digits
    (:func:`core.privacy.redact.may_hold_personal_numbers`).
    """
    types = pd.api.types
    return [
        c
        for c in frame.columns
        if types.is_object_dtype(frame[c]) or types.is_string_dtype(frame[c]) or may_hold_personal_numbers(frame[c])
    ]


def hidden_name(columns: Iterable[object]) -> str:
    """Name of the :data:`HIDDEN` column added to a table with ``columns``: never one of the file's own."""
    return free_name(HIDDEN, columns)


def redact_page(
    page: pd.DataFrame,
    content_hash: str,
    columns: Sequence[Hashable],
    config: RedactionConfig,
    hidden_column: str | None = None,
) -> pd.DataFrame:
    """A copy of the rows shown (index = row of the upload) with ``columns`` redacted and a column of what was hidden.

    That column is ``hidden_column``, by default :func:`hidden_name` of the page's
    columns (:data:`HIDDEN` unless the file has a column of that name).
    """
    out = page.copy()
    hidden = [dict[str, int]() for _ in range(len(page))]
    rows = [int(r) for r in page.index]
    for column in columns:
        if column not in page.columns:
            continue
        cells = redact_cells(content_hash, str(column), rows, page[column].tolist(), config)
        values = page[column].tolist()
        out[column] = [
            cell.text if config.active and needs_redaction(v) and (cell.hidden or personal_number(v) is None) else v
            for cell, v in zip(cells, values, strict=True)
        ]
        for mine, cell in zip(hidden, cells, strict=True):
            for kind, n in cell.hidden.items():
                mine[kind] = mine.get(kind, 0) + n
    if config.active:
        out[hidden_column or hidden_name(page.columns)] = [hidden_summary(h) for h in hidden]
    return out


def shown_text(content_hash: str, row: int, text: str, config: RedactionConfig, column: str = "text") -> str:
    """One post of an upload as shown (redacted unless revealed), cached like the table's cells."""
    return redact_cells(content_hash, column, [row], [text], config)[0].text


def search_as_shown(content_hash: str, view: pd.DataFrame, texts: pd.Series, search: str, column: str) -> pd.DataFrame:
    """The rows of ``view`` (found by ``search`` in the text as written) whose text as shown still holds it.

    While redaction is on, a search must not find a post by the data it hides: searching an
    e-mail address would say which posts hold it. ``view``'s index are rows of the upload
    (positions in ``texts``); the cells are redacted as the table shows them (and cached alike).
    """
    config = config_for(content_hash)
    needle = search.strip().lower()
    if not config.active or not needle or view.empty:
        return view
    rows = [int(row) for row in view.index]
    cells = redact_cells(content_hash, column, rows, texts.iloc[rows].tolist(), config)
    return view[[needle in cell.text.lower() for cell in cells]]


# -- exports -----------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=EXPORT_CACHE_ENTRIES, ttl=CACHE_SECONDS)
def _export_cache(
    content_hash: str, columns: tuple[str, ...], config: tuple, _compute: Callable[[], pd.DataFrame]
) -> pd.DataFrame:
    return _compute()


def redacted_columns(posts: Posts, config: RedactionConfig) -> pd.DataFrame | None:
    """The upload's text columns redacted for an export (cached per upload); None when redaction is off."""
    if not config.active:
        return None
    from core.privacy import redact_frame

    columns = text_columns(posts.frame)

    def compute() -> pd.DataFrame:
        return redact_frame(posts.frame[columns].reset_index(drop=True), columns, config)

    names = tuple(str(c) for c in columns)
    return _export_cache(posts.content_hash, names, _config_key(config), _compute=compute)


# -- explanations ------------------------------------------------------------------------------------
def redacted_post(text: str, config: RedactionConfig | None) -> RedactedText:
    """One post redacted with its spans (for moving attributions onto it); unchanged when ``config`` is None or off."""
    return redact_text(text, config if config is not None else RedactionConfig(enabled=False))


def masked_tokens(tokens: pd.DataFrame, redacted: RedactedText) -> pd.DataFrame:
    """Token rows as they are (original positions), but a token touching a redacted span reads as its placeholder.

    For tables listing every word of a post by position (the values of all words, the
    word to remove): no word of the hidden data is shown, and each row still lines up
    with the scores computed on the original post. Tokens beyond what redaction
    scanned read ``…``.
    """
    if not redacted.spans and not redacted.truncated:
        return tokens
    starts = [span.start for span in redacted.spans]

    def shown(token: str, start: int, end: int) -> str:
        if end > redacted.scanned:
            return "…"
        at = bisect.bisect_right(starts, end - 1) - 1
        while at >= 0 and redacted.spans[at].end > start:
            if redacted.spans[at].start < end:
                return redacted.spans[at].placeholder
            at -= 1
        return token

    out = tokens.copy()
    out["token"] = [
        shown(str(t), int(s), int(e)) for t, s, e in zip(tokens["token"], tokens["start"], tokens["end"], strict=True)
    ]
    return out


@st.cache_data(show_spinner=False, max_entries=32, ttl=CACHE_SECONDS)
def _run_tokens(
    run: Hashable, config: tuple, _tokens: pd.DataFrame, _texts: Mapping[Hashable, str], _config: RedactionConfig
) -> tuple[dict[Hashable, str], pd.DataFrame]:
    from core.privacy import redact_attribution_table

    return redact_attribution_table(_tokens, _texts, _config)


def redacted_run(
    run: Hashable, tokens: pd.DataFrame, texts: Mapping[Hashable, str], config: RedactionConfig
) -> tuple[dict[Hashable, str], pd.DataFrame]:
    """Many posts' attributions moved onto their redacted texts (the global view), cached per ``run``.

    Returns the shown text of each post id and the token table over them (see
    :func:`core.privacy.redact_attribution_table`); as they are when redaction is off.
    """
    if not config.active:
        return dict(texts), tokens
    return _run_tokens(run, _config_key(config), _tokens=tokens, _texts=texts, _config=config)
