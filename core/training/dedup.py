"""Keep held-out posts out of training: normalised-text keys, keyed splits and cross-set deduplication.

The public datasets overlap (SBIC holds Davidson tweets, the Jigsaw files overlap
each other) and some hold the same post twice. A post seen in training and again
in a test split inflates the test figure, so :func:`deduplicate` drops copies
across every set, with one rule that keeps old comparisons valid: the test
splits of *protected* sets (those a shipped model was already evaluated on) are
never changed, and every other copy of one of their posts leaves the data.

New sets are split by :func:`keyed_split`, a hash of the normalised text (or of
a group id such as a DynaHate perturbation group), so duplicates and groups fall
on one side of a split by construction and the split does not depend on row order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

_NOT_ALNUM = re.compile(r"[\W_]+")


def text_key(text: str) -> str:
    """The text lower-cased with letters and digits only: copies differing in case, spacing or punctuation match.

    A text without any letter or digit (emoji only, punctuation only) is its own key (stripped),
    so such posts are not all merged into one.
    """
    key = _NOT_ALNUM.sub("", str(text).lower())
    return key if key else "~" + str(text).strip()


def keyed_split(keys: Sequence[str], seed: int, name: str, validation: float = 0.1, test: float = 0.1) -> np.ndarray:
    """``train`` / ``validation`` / ``test`` per key from a seeded hash: equal keys always share a side."""
    draws = np.array([_unit_hash(f"{seed}\x1f{name}\x1f{key}") for key in keys], dtype=float)
    return np.where(draws < test, "test", np.where(draws < test + validation, "validation", "train"))


def _unit_hash(value: str) -> float:
    """A number in [0, 1) from the SHA-256 of ``value`` (stable across runs and platforms)."""
    return int.from_bytes(hashlib.sha256(value.encode("utf-8")).digest()[:8], "big") / 2.0**64


def deduplicate(
    frames: Sequence[tuple[str, pd.DataFrame]], protected: Collection[str]
) -> list[tuple[pd.DataFrame, dict[str, int]]]:
    """Drop duplicate posts across sets so that every normalised text is on one side of the splits.

    Parameters
    ----------
    frames
        ``(name, frame)`` per set in priority order; frames have ``text`` and ``split`` columns.
    protected
        Names of sets whose test split must stay exactly as it is.

    Returns
    -------
    list of (DataFrame, dict)
        Per set, the kept rows (index reset) and counts of dropped rows:
        ``test_copy`` (a copy of a protected test post, outside that test split) and
        ``duplicate`` (a later copy of a post kept earlier, in any set or split).

    Notes
    -----
    Rows in the test split of a protected set are all kept, duplicates among them
    included, so a model evaluated on them before is compared on the same posts.
    Every other row whose key is one of those test posts is dropped. Of the rest, the
    first row of each key (sets in the given order, rows in file order) is kept.

    """
    keyed = [(name, frame, frame["text"].map(text_key)) for name, frame in frames]
    frozen = set()
    for name, frame, keys in keyed:
        if name in protected:
            frozen.update(keys[frame["split"] == "test"])
    seen: set[str] = set()
    out = []
    for name, frame, keys in keyed:
        locked = (frame["split"] == "test").to_numpy() & (name in protected)
        keep = np.zeros(len(frame), dtype=bool)
        dropped = {"test_copy": 0, "duplicate": 0}
        for i, (key, fixed) in enumerate(zip(keys, locked, strict=True)):
            if fixed:
                keep[i] = True
            elif key in frozen:
                dropped["test_copy"] += 1
            elif key in seen:
                dropped["duplicate"] += 1
            else:
                seen.add(key)
                keep[i] = True
        out.append((frame[keep].reset_index(drop=True), dropped))
    return out


def connected_groups(ids: Sequence[str], links: Sequence[str | None]) -> list[str]:
    """Group id per row: rows joined by ``links`` (a row's id points at another row's id) share one.

    Used for DynaHate, whose perturbations name the original they were made from.
    The group id is the smallest id of the group, so it does not depend on row order.
    """
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for own, link in zip(ids, links, strict=True):
        find(own)
        if isinstance(link, str) and link:
            a, b = find(own), find(link)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return [find(own) for own in ids]
