"""Identity-swap counterfactuals: rescore a post with its identity terms swapped.

If replacing 'muslims' by 'christians' (or any other group's term) in the
same post changes its score, the model reacts to the identity, not to what
is said. The mean absolute change per group is the counterfactual fairness
gap: 0 is ideal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.bias.inputs import OVERALL
from core.bias.lexicon import Lexicon, PluralRule, TermMatch, find_terms
from core.bias.templates import ScoreFn, score_unique
from core.errors import InputError

__all__ = [
    "counterfactual_gap",
    "counterfactual_scores",
    "largest_changes",
    "replace_terms",
    "replacement_options",
    "swap_variants",
    "terms_by_group",
]

_VARIANT_COLUMNS = ["post", "source_group", "source_terms", "target_group", "target_term", "text"]


def _match_case(original: str, replacement: str) -> str:
    """Give ``replacement`` the capitalisation of ``original`` (UPPER, Title, lower)."""
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def replace_terms(text: str, matches: Sequence[TermMatch], singular: str, plural: str) -> str:
    """``text`` with every match replaced by ``singular`` or ``plural`` (the match's form), in its case."""
    for m in sorted(matches, key=lambda m: m.start, reverse=True):
        new = _match_case(m.text, plural if m.plural else singular)
        text = text[: m.start] + new + text[m.end :]
    return text


def terms_by_group(
    text: str | None, lexicon: Lexicon, *, plural_rule: PluralRule = "listed"
) -> dict[str, list[TermMatch]]:
    """The identity terms in ``text`` by the group they name, groups in order of first mention.

    ``text`` that is not a string (None, NaN, ``pd.NA``) has none. The default
    ``plural_rule`` ``"listed"`` is the one training's identity swaps were
    built with (see :data:`~core.bias.lexicon.PluralRule`); :func:`swap_variants`
    uses ``"inflected"``.
    """
    by_group: dict[str, list[TermMatch]] = {}
    for match in find_terms(text, lexicon, plural_rule=plural_rule):
        by_group.setdefault(match.group, []).append(match)
    return by_group


def replacement_options(
    lexicon: Lexicon, count: int | None = 1, *, plural_rule: PluralRule = "listed"
) -> dict[str, tuple[list[str], list[str]]]:
    """Per group, its terms to swap in for a singular and for a plural match (see :meth:`Lexicon.replacements`).

    The default ``plural_rule`` is training's, as in :func:`terms_by_group`.
    """
    return {
        group: (
            lexicon.replacements(group, plural=False, count=count, rule=plural_rule),
            lexicon.replacements(group, plural=True, count=count, rule=plural_rule),
        )
        for group in lexicon.groups
    }


def swap_variants(
    texts: Sequence[str], lexicon: Lexicon, *, terms_per_group: int | None = 1, max_chars: int | None = None
) -> pd.DataFrame:
    """Variants of each post with one group's terms replaced by another group's.

    For every group mentioned in a post (source) and every other lexicon
    group (target), all of the source's terms in the post are replaced by a
    term of the target in the same form (plural for plural, including
    plurals such as 'females' or 'asians') and case.

    Parameters
    ----------
    texts : sequence of str
        The posts (one that is not a string, e.g. NaN, has no variants).
    lexicon : Lexicon
        Identity terms to find and to swap in.
    terms_per_group : int or None
        Replacement terms tried per target group (lexicon order); None = all.
    max_chars : int or None
        Most characters of variant text in all (None: no limit). A long post
        that names many groups has thousands of variants, each as long as the
        post; once the next variant would pass this budget no more are made,
        so the last posts may get fewer variants or none.

    Returns
    -------
    DataFrame
        Columns ``post`` (position in ``texts``), ``source_group``,
        ``source_terms`` (as written in the post), ``target_group``,
        ``target_term``, ``text``; no rows for posts without identity terms.

    """
    options = replacement_options(lexicon, terms_per_group, plural_rule="inflected")
    rows: list[tuple[int, str, str, str, str, str]] = []
    budget = math.inf if max_chars is None else max_chars
    for post, text in enumerate(texts):
        for source, matches in terms_by_group(text, lexicon, plural_rule="inflected").items():
            written = ", ".join(dict.fromkeys(m.text for m in matches))
            for target, (singles, plurals) in options.items():
                if target == source:
                    continue
                seen = set()
                for j in range(max(len(singles), len(plurals))):
                    single, plural = singles[j % len(singles)], plurals[j % len(plurals)]
                    new = replace_terms(text, matches, single, plural)
                    if new not in seen:
                        if len(new) > budget:
                            return pd.DataFrame(rows, columns=_VARIANT_COLUMNS)
                        budget -= len(new)
                        seen.add(new)
                        term = plural if matches[0].plural else single
                        rows.append((post, source, written, target, term, new))
    return pd.DataFrame(rows, columns=_VARIANT_COLUMNS)


def counterfactual_scores(
    texts: Sequence[str],
    score_fn: ScoreFn,
    lexicon: Lexicon,
    *,
    original_scores: npt.ArrayLike | None = None,
    terms_per_group: int | None = 1,
    max_chars: int | None = None,
) -> pd.DataFrame:
    """Score every identity-swap variant and its change from the original post.

    Parameters
    ----------
    texts : sequence of str
        Posts (one post for the single-post view); a Series counts by
        position, whatever its index.
    score_fn : callable
        ``list[str] -> ndarray`` of one probability per text, for one label.
    lexicon : Lexicon
        Identity terms to find and to swap in.
    original_scores : array-like, optional
        Scores of ``texts`` if already known (saves rescoring them).
    terms_per_group, max_chars : int or None
        See :func:`swap_variants`.

    Returns
    -------
    DataFrame
        :func:`swap_variants` columns plus ``original_score``, ``score`` and
        ``change`` (= score - original_score), sorted by post and then by
        the size of the change, largest first.

    """
    texts = list(texts)  # positions, as ``post`` counts them (a Series would be indexed by its labels)
    variants = swap_variants(texts, lexicon, terms_per_group=terms_per_group, max_chars=max_chars)
    posts = variants["post"].to_numpy(dtype=np.intp)
    if original_scores is None:
        used = np.unique(posts)
        originals = np.full(len(texts), np.nan)
        both = score_unique(score_fn, [texts[i] for i in used] + variants["text"].tolist())
        originals[used] = both[: used.shape[0]]
        scores = both[used.shape[0] :]
    else:
        originals = np.asarray(original_scores, dtype=np.float64).ravel()
        if originals.shape[0] != len(texts):
            raise InputError(
                f"original_scores has {originals.shape[0]} scores for {len(texts)} texts; give one score per text."
            )
        scores = score_unique(score_fn, variants["text"].tolist())
    out = variants.assign(original_score=originals[posts], score=scores)
    out["change"] = out["score"] - out["original_score"]
    order = np.lexsort((-out["change"].abs().to_numpy(), posts))
    return out.iloc[order].reset_index(drop=True)


def largest_changes(scored: pd.DataFrame) -> pd.DataFrame:
    """One row per post: the swap that changed its score the most."""
    if scored.empty:
        return scored.copy()
    best = scored["change"].abs().groupby(scored["post"]).idxmax()
    return scored.loc[best.to_numpy()].reset_index(drop=True)


def counterfactual_gap(scored: pd.DataFrame, groups: Sequence[str] | None = None) -> pd.DataFrame:
    """Counterfactual fairness gap per source group, from :func:`counterfactual_scores`.

    Parameters
    ----------
    scored : DataFrame
        Output of :func:`counterfactual_scores`.
    groups : sequence of str, optional
        Groups to report, in this order (e.g. ``lexicon.groups``), including
        those no post mentions; default: the groups found in ``scored``.

    Returns
    -------
    DataFrame
        One row per group plus ``overall``: ``n_posts`` (posts mentioning
        the group), ``n_variants``, ``mean_abs_change`` (the gap),
        ``max_abs_change``, ``mean_change`` (negative: posts score lower once
        the group's terms are swapped out, i.e. the model penalises the
        group) and ``note``.

    """
    names = list(groups) if groups is not None else list(dict.fromkeys(scored["source_group"]))
    blocks = [(g, scored[scored["source_group"] == g]) for g in names]
    rows = []
    for name, block in [*blocks, (OVERALL, scored)]:
        change = block["change"].to_numpy(dtype=np.float64)
        empty = change.size == 0
        rows.append(
            {
                "group": name,
                "n_posts": int(block["post"].nunique()),
                "n_variants": int(change.size),
                "mean_abs_change": np.nan if empty else float(np.abs(change).mean()),
                "max_abs_change": np.nan if empty else float(np.abs(change).max()),
                "mean_change": np.nan if empty else float(change.mean()),
                "note": "no post mentions this group" if empty else "",
            }
        )
    return pd.DataFrame(rows)
