"""The identity lexicon and whole-word, case-insensitive term matching.

The lexicon (``assets/identity_terms.csv``, columns ``group, category, term,
plural``) lists the words that mark a post as being about an identity group.
Matching is done with one compiled regular expression over all forms,
longest first, so that multi-word terms win over their parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from core.errors import ModLensError

__all__ = [
    "LEXICON_COLUMNS",
    "LEXICON_PATH",
    "Lexicon",
    "TermMatch",
    "find_terms",
    "load_lexicon",
    "normalise_term",
]

LEXICON_PATH = Path(__file__).resolve().parents[2] / "assets" / "identity_terms.csv"
LEXICON_COLUMNS = ("group", "category", "term", "plural")
_SEPARATOR = re.compile(r"[\s\-]+")


def normalise_term(text: str) -> str:
    """Lower-case and collapse spaces and hyphens, so 'Gay-men' == 'gay men'."""
    return _SEPARATOR.sub(" ", text.strip().lower())


@dataclass(frozen=True)
class TermMatch:
    """One occurrence of a lexicon term in a text.

    Attributes
    ----------
    start, end : int
        Character span in the text.
    text : str
        The text as written in the post.
    term : str
        The lexicon's singular ``term`` for the matched form.
    group : str
    plural : bool
        Whether the plural form matched (used to swap like with like).

    """

    start: int
    end: int
    text: str
    term: str
    group: str
    plural: bool


@dataclass(frozen=True)
class Lexicon:
    """Identity terms by group; build with :meth:`from_frame` or :func:`load_lexicon`.

    Attributes
    ----------
    terms : DataFrame
        Columns ``group, category, term, plural``; a missing plural is the
        term itself.

    """

    terms: pd.DataFrame

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Lexicon:
        """Validate and clean a lexicon table (e.g. read from CSV)."""
        missing = [c for c in LEXICON_COLUMNS if c not in frame.columns]
        if missing:
            raise ModLensError(
                f"The identity lexicon lacks column(s) {', '.join(missing)}. "
                f"It needs the columns {', '.join(LEXICON_COLUMNS)}."
            )
        terms = frame.loc[:, list(LEXICON_COLUMNS)].fillna("").astype(str)
        terms = terms.apply(lambda col: col.str.strip())
        terms = terms[(terms["term"] != "") & (terms["group"] != "")]
        if terms.empty:
            raise ModLensError("The identity lexicon has no terms. Add rows with a group and a term.")
        terms["plural"] = terms["plural"].where(terms["plural"] != "", terms["term"])
        terms = terms.drop_duplicates(["group", "term"]).reset_index(drop=True)
        return cls(terms=terms)

    @property
    def groups(self) -> list[str]:
        """Group names in the order they first appear in the lexicon."""
        return list(dict.fromkeys(self.terms["group"]))

    def group_terms(self, group: str) -> pd.DataFrame:
        """Rows of the lexicon for one group, in lexicon order."""
        return self.terms[self.terms["group"] == group]

    @cached_property
    def forms(self) -> dict[str, list[tuple[str, str, bool]]]:
        """Normalised surface form -> [(group, term, is_plural), ...].

        Every ``term`` is a form (plural when it equals its row's ``plural``);
        ``plural`` phrases are forms too, unless already a term of the group.
        """
        rows = list(self.terms[["group", "term", "plural"]].itertuples(index=False))
        candidates = [
            (normalise_term(term), group, term, normalise_term(term) == normalise_term(plural))
            for group, term, plural in rows
        ]
        candidates += [(normalise_term(plural), group, term, True) for group, term, plural in rows]
        out: dict[str, list[tuple[str, str, bool]]] = {}
        for form, group, term, is_plural in candidates:
            entries = out.setdefault(form, [])
            if all(e[0] != group for e in entries):
                entries.append((group, term, is_plural))
        return out

    def replacements(self, group: str, *, plural: bool, count: int | None = 1) -> list[str]:
        """Terms of ``group`` to swap in for a matched singular or plural form.

        Plural matches get the group's ``plural`` phrases (e.g. 'men'); other
        matches get its terms that differ from their plural (e.g. 'man'),
        falling back to the plurals. In lexicon order, at most ``count``.
        """
        rows = self.group_terms(group)
        if plural:
            found = list(dict.fromkeys(rows["plural"]))
        else:
            single = rows[rows["term"].map(normalise_term) != rows["plural"].map(normalise_term)]
            found = list(dict.fromkeys(single["term"])) or list(dict.fromkeys(rows["plural"]))
        return found if count is None else found[:count]

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """One regex matching any form as a whole word (longest match that fits).

        The forms are compiled as a character trie, so that scanning costs
        about the same for 30 terms as for 3,000.
        """
        return re.compile(r"(?<!\w)" + _trie_regex(list(self.forms)) + r"(?!\w)", re.IGNORECASE)


def _trie_regex(forms: list[str]) -> str:
    """Regex for a set of normalised forms; a space matches spaces or hyphens."""
    trie: dict = {}
    for form in forms:
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [
            (r"[\s\-]+" if char == " " else re.escape(char)) + build(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return "(?:" + build(trie) + ")"


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read the identity lexicon CSV (default: the project's own).

    Raises
    ------
    ModLensError
        If the file is missing or lacks the required columns.

    """
    path = Path(path) if path is not None else LEXICON_PATH
    if not path.is_file():
        raise ModLensError(
            f"Identity lexicon '{path}' not found. Restore assets/identity_terms.csv "
            "or choose identity columns with --group-cols."
        )
    return Lexicon.from_frame(pd.read_csv(path, dtype=str, keep_default_na=False))


def find_terms(text: str, lexicon: Lexicon) -> list[TermMatch]:
    """All identity terms in ``text``, in order; a form shared by groups gives one match each."""
    found = []
    for m in lexicon.pattern.finditer(text):
        for group, term, plural in lexicon.forms[normalise_term(m.group())]:
            found.append(TermMatch(m.start(), m.end(), m.group(), term, group, plural))
    return found
