"""Seeded spelling perturbations of posts: for training copies and for measuring robustness.

People dodge moderation by spelling words differently: ``1d10t``, ``f u c k``,
``stoooopid``, ``f*ck``, ``idoit``, ``youidiot``. :func:`perturb` applies one
kind of change to a share of a post's words (of three letters or more), seeded,
so the same call always gives the same text. Training adds perturbed copies of
some posts with unchanged labels (the model learns that spelling does not change
meaning); :func:`robustness_check` scores held-out posts perturbed the same way.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

_WORD = re.compile(r"[A-Za-z]{3,}")
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
_SYMBOLS = {"a": "@", "s": "$", "i": "!", "o": "0"}


def _leet(word: str, rng: random.Random) -> str:
    spots = [i for i, c in enumerate(word) if c.lower() in _LEET]
    for i in rng.sample(spots, k=min(len(spots), max(1, len(spots) // 2 + 1))):
        table = _LEET if rng.random() < 0.7 else _SYMBOLS
        word = word[:i] + table.get(word[i].lower(), word[i]) + word[i + 1 :]
    return word


def _repeat(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    return word[:i] + word[i] * rng.randint(2, 5) + word[i + 1 :]


def _spaced(word: str, rng: random.Random) -> str:
    return (" " if rng.random() < 0.8 else ".").join(word)


def _masked(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + "*" * rng.randint(1, 2) + word[i + 1 :]


def _swap(word: str, rng: random.Random) -> str:
    spots = [i for i in range(1, len(word) - 1) if word[i] != word[i + 1]]
    if not spots:
        return word
    i = rng.choice(spots)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _drop(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :]


KINDS: dict[str, Callable[[str, random.Random], str]] = {
    "leetspeak": _leet,
    "repeated_letters": _repeat,
    "spaced_letters": _spaced,
    "masked_letters": _masked,
    "swapped_letters": _swap,
    "dropped_letter": _drop,
}
"""Word-level perturbations; ``joined_words`` (removing the spaces between words) is handled by :func:`perturb`."""
ALL_KINDS = (*KINDS, "joined_words")


def perturb(text: str, kind: str, seed: int, share: float = 0.35) -> str:
    """``text`` with ``kind`` applied to about ``share`` of its words (at least one when it has any).

    ``joined_words`` removes the spaces of one run of two to four words instead.
    """
    rng = random.Random(f"{seed}:{kind}:{text}")
    if kind == "joined_words":
        words = text.split(" ")
        if len(words) < 2:
            return text
        start = rng.randrange(0, len(words) - 1)
        stop = min(len(words), start + rng.randint(2, 4))
        return " ".join([*words[:start], "".join(words[start:stop]), *words[stop:]])
    change = KINDS[kind]
    matches = list(_WORD.finditer(text))
    if not matches:
        return text
    chosen = {m.start() for m in matches if rng.random() < share} or {rng.choice(matches).start()}
    out, last = [], 0
    for match in matches:
        if match.start() in chosen:
            out += [text[last : match.start()], change(match.group(), rng)]
            last = match.end()
    return "".join([*out, text[last:]])


def perturbed_copies(texts: Sequence[str], share_of_posts: float, seed: int) -> tuple[np.ndarray, list[str]]:
    """Row indexes of a seeded ``share_of_posts`` of ``texts`` and one perturbed copy of each (kind drawn per post)."""
    rng = np.random.default_rng(seed)
    picked = np.flatnonzero(rng.random(len(texts)) < share_of_posts)
    kinds = rng.choice(ALL_KINDS, size=len(picked))
    return picked, [perturb(texts[i], str(kind), seed) for i, kind in zip(picked, kinds, strict=True)]


def robustness_check(
    score: Callable[[list[str]], np.ndarray], texts: Sequence[str], y: np.ndarray, seed: int = 7
) -> list[dict[str, Any]]:
    """ROC AUC on ``texts`` as written and with each kind of perturbation (rows of a tidy table).

    ``score`` maps texts to one score each; ``y`` holds 0/1 labels.
    """
    from sklearn.metrics import roc_auc_score

    y = np.asarray(y, dtype=int)
    rows = [{"kind": "as_written", "n": len(texts), "roc_auc": float(roc_auc_score(y, score(list(texts))))}]
    for kind in ALL_KINDS:
        changed = [perturb(text, kind, seed) for text in texts]
        rows.append({"kind": kind, "n": len(texts), "roc_auc": float(roc_auc_score(y, score(changed)))})
    return rows
