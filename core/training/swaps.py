"""Identity-swap copies of training posts (counterfactual data augmentation).

A group's name that co-occurs with abuse in the data ("jews" in Stormfront and Gab)
is learnt as evidence of abuse, whatever is said around it. The augmentation
templates (:mod:`core.training.debias`) counter that with sentences written for the
project; identity swaps do it with the datasets' own posts: for a seeded share of
the training posts that mention an identity, a copy with one mentioned group's terms
replaced by a term of another group, drawn at random (same singular or plural form,
same case), joins training with the original's labels. Each group then also appears
in the other groups' real contexts, harmless and hostile alike, so the words around
the name carry the signal. A copy whose normalised text is a held-out post of any
set is dropped, so no test post is trained on.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from core.bias import load_lexicon
from core.bias.counterfactual import replace_terms, replacement_options, terms_by_group
from core.bias.lexicon import Lexicon
from core.training.dedup import text_key


def swapped_copies(
    texts: Sequence[str],
    share: float,
    seed: int,
    *,
    lexicon: Lexicon | None = None,
    held_out_keys: Collection[str] = frozenset(),
) -> tuple[np.ndarray, list[str]]:
    """Identity-swapped copies of about ``share`` of the posts that mention an identity.

    Parameters
    ----------
    texts : sequence of str
        Training posts.
    share : float
        Chance that a post mentioning an identity gets a copy (0: none, 1: every one).
    seed : int
        Seeds the draws: the same call always gives the same copies.
    lexicon : Lexicon, optional
        Identity terms to find and swap in (default: the project's lexicon).
    held_out_keys : collection of str
        :func:`~core.training.dedup.text_key` of validation and test posts; copies with
        one of these keys are dropped.

    Returns
    -------
    picked : ndarray of int
        Position in ``texts`` of the post each copy was made from (copies keep its labels).
    copies : list of str
        The copies, in the order of ``picked``.

    """
    if share <= 0 or not len(texts):
        return np.zeros(0, dtype=np.intp), []
    lexicon = lexicon or load_lexicon()
    groups = lexicon.groups
    options = replacement_options(lexicon, count=None)
    rng = np.random.default_rng(seed)
    picked: list[int] = []
    copies: list[str] = []
    for row, text in enumerate(texts):
        by_group = terms_by_group(text, lexicon)
        if not by_group or rng.random() >= share:
            continue
        source = list(by_group)[rng.integers(len(by_group))]
        targets = [group for group in groups if group not in by_group]
        if not targets:
            continue
        singles, plurals = options[targets[rng.integers(len(targets))]]
        single, plural = singles[rng.integers(len(singles))], plurals[rng.integers(len(plurals))]
        copy = replace_terms(text, by_group[source], single, plural)
        if copy != text and text_key(copy) not in held_out_keys:
            picked.append(row)
            copies.append(copy)
    return np.asarray(picked, dtype=np.intp), copies
