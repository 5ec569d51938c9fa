"""The identity lexicon and whole-word, case-insensitive term matching.

The lexicon (``assets/identity_terms.csv``, columns ``group, category, term,
plural``) lists the words that mark a post as being about an identity group.
Matching is done with one compiled regular expression over all forms,
longest first, so that multi-word terms win over their parts. Case is
ignored as Python's ``re`` ignores it, character by character, which also
equates 'İ' and 'ı' with 'i' and 'ſ' with 's': 'MUSLİM' (Turkish capitals)
is the term 'muslim'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import pandas as pd

from core.errors import ConfigError, ModLensError

__all__ = [
    "LEXICON_COLUMNS",
    "LEXICON_PATH",
    "Lexicon",
    "PluralRule",
    "TermMatch",
    "find_terms",
    "load_lexicon",
    "normalise_term",
]

LEXICON_PATH = Path(__file__).resolve().parents[2] / "assets" / "identity_terms.csv"
LEXICON_COLUMNS = ("group", "category", "term", "plural")
_SEPARATOR = re.compile(r"[\s\-]+")

#: When a matched term counts as plural. ``"listed"``: only when it is its
#: row's ``plural`` ('women', 'muslims'). ``"inflected"``: also when it is the
#: regular plural of another term of its group ('females' of 'female',
#: 'disabilities' of 'disability'), so swaps stay grammatical. Training's
#: identity swaps (:mod:`core.training.swaps`) keep ``"listed"``, with which the
#: bundled model was built, so that it rebuilds exactly.
PluralRule = Literal["listed", "inflected"]
_PLURAL_RULES = ("listed", "inflected")


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
        Whether the plural form matched (used to swap like with like); see
        :data:`PluralRule`.

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

        Every ``term`` is a form (plural when it equals its row's ``plural``:
        the ``"listed"`` rule); ``plural`` phrases are forms too, unless
        already a term of the group.
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

    @cached_property
    def inflected_plurals(self) -> frozenset[tuple[str, str]]:
        """``(group, term)`` of terms that are a regular plural of another term of their group.

        E.g. 'females' (of 'female'), 'asians', 'disabilities' (of
        'disability'): plural words whose row names another plural phrase
        ('women', 'asian people'), so the ``"listed"`` rule takes them for
        singular.
        """
        found = set()
        for group, rows in self.terms.groupby("group", sort=False):
            terms = {normalise_term(term) for term in rows["term"]}
            for term, plural in zip(rows["term"], rows["plural"], strict=True):
                form = normalise_term(term)
                if form != normalise_term(plural) and any(s in terms for s in _singulars(form)):
                    found.add((group, term))
        return frozenset(found)

    def is_plural(self, group: str, term: str, listed: bool, rule: PluralRule = "inflected") -> bool:
        """Whether a match of ``term`` (plural by its row if ``listed``) is plural under ``rule``."""
        _check_rule(rule)
        return listed or (rule == "inflected" and (group, term) in self.inflected_plurals)

    def entries(self, written: str) -> list[tuple[str, str, bool]]:
        """``[(group, term, is_plural), ...]`` of text that :attr:`pattern` matched, ``[]`` for other text.

        Text whose lower case is not a form, such as 'MUSLİM' or 'muslım'
        (the pattern equates 'İ' and 'ı' with 'i'), is compared with each form
        of its length the way the pattern compares it. ``is_plural`` follows
        the ``"listed"`` rule, as in :attr:`forms`.
        """
        found = self.forms.get(normalise_term(written))
        if found is not None:
            return found
        key = _SEPARATOR.sub(" ", written.strip())
        out: list[tuple[str, str, bool]] = []
        for form in self._forms_by_length.get(len(key), ()):
            if re.fullmatch(re.escape(form), key, re.IGNORECASE):
                out += [e for e in self.forms[form] if all(o[0] != e[0] for o in out)]
        return out

    @cached_property
    def _forms_by_length(self) -> dict[int, list[str]]:
        """The forms by their length in characters."""
        by_length: dict[int, list[str]] = {}
        for form in self.forms:
            by_length.setdefault(len(form), []).append(form)
        return by_length

    def replacements(
        self, group: str, *, plural: bool, count: int | None = 1, rule: PluralRule = "inflected"
    ) -> list[str]:
        """Terms of ``group`` to swap in for a matched singular or plural form.

        Plural matches get the group's ``plural`` phrases (e.g. 'men'); other
        matches get its terms that are not plural under ``rule`` (e.g. 'man';
        with ``"listed"``, also 'males'), falling back to the plurals. In
        lexicon order, at most ``count``.
        """
        _check_rule(rule)
        rows = self.group_terms(group)
        if plural:
            found = list(dict.fromkeys(rows["plural"]))
        else:
            single = rows[rows["term"].map(normalise_term) != rows["plural"].map(normalise_term)]
            if rule == "inflected":
                single = single[[(group, term) not in self.inflected_plurals for term in single["term"]]]
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


def _singulars(form: str) -> list[str]:
    """What ``form`` is the regular plural of, if it is one: 'asians' -> 'asian', 'disabilities' -> 'disability'."""
    found = []
    if form.endswith("ies") and len(form) > 3:
        found.append(form[:-3] + "y")
    if form.endswith("es") and len(form) > 2:
        found.append(form[:-2])
    if form.endswith("s") and not form.endswith("ss") and len(form) > 1:
        found.append(form[:-1])
    return found


def _check_rule(rule: str) -> None:
    """Raise :class:`~core.errors.ConfigError` for a plural rule that is not a :data:`PluralRule`."""
    if rule not in _PLURAL_RULES:
        raise ConfigError(f"Unknown plural rule {rule!r}; use one of {', '.join(_PLURAL_RULES)}.")


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


def find_terms(text: str | None, lexicon: Lexicon, *, plural_rule: PluralRule = "inflected") -> list[TermMatch]:
    """All identity terms in ``text``, in order; a form shared by groups gives one match each.

    Parameters
    ----------
    text : str
        The post; anything else (None, NaN, ``pd.NA``) has no terms.
    lexicon : Lexicon
        Identity terms by group.
    plural_rule : {"inflected", "listed"}
        When a match counts as plural (:data:`PluralRule`).

    Returns
    -------
    list of TermMatch

    """
    _check_rule(plural_rule)
    if not isinstance(text, str):
        return []
    found = []
    for m in lexicon.pattern.finditer(text):
        for group, term, listed in lexicon.entries(m.group()):
            plural = lexicon.is_plural(group, term, listed, plural_rule)
            found.append(TermMatch(m.start(), m.end(), m.group(), term, group, plural))
    return found
