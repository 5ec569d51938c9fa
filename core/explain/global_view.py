"""Global view: which words drive the model over many posts.

Explains a set of posts (the flagged ones, or a seeded sample of at most N),
then aggregates per word: mean signed and mean absolute attribution, how often
the word occurs, and in which posts, so each top word links back to examples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.explain.config import ExplainConfig
from core.explain.predict import PredictFn
from core.explain.progress import CancelFlag, ProgressFn
from core.explain.shap_values import TOKEN_COLUMNS, Attributions, explain_texts

GLOBAL_COLUMNS = ["label", "token", "mean_value", "mean_abs_value", "count", "n_posts", "posts"]


@dataclass(frozen=True)
class GlobalView:
    """Aggregated attributions plus the per-post attributions they came from.

    Attributes
    ----------
    tokens
        Table from :func:`aggregate_tokens`.
    attributions
        Per-post attributions of the explained posts.

    """

    tokens: pd.DataFrame
    attributions: Attributions

    @property
    def cancelled(self) -> bool:
        """True when the run was stopped before all selected posts were explained."""
        return self.attributions.cancelled


def select_posts(
    n_posts: int,
    *,
    flagged: Sequence[bool] | np.ndarray | None = None,
    max_posts: int | None = None,
    seed: int = 0,
) -> list[int]:
    """Positions of the posts to explain, in their original order.

    Parameters
    ----------
    n_posts
        Number of posts available.
    flagged
        Boolean per post; only flagged posts are candidates when given.
    max_posts
        At most this many, drawn at random (seeded) when there are more.
    seed
        Seed of the sample, so the same file gives the same view.

    """
    candidates = np.arange(n_posts)
    if flagged is not None:
        mask = np.asarray(flagged, dtype=bool)
        if mask.shape != (n_posts,):
            raise ValueError(f"flagged has {mask.size} values for {n_posts} posts.")
        candidates = candidates[mask]
    if max_posts is not None and len(candidates) > max_posts:
        candidates = np.sort(np.random.default_rng(seed).choice(candidates, size=max_posts, replace=False))
    return candidates.tolist()


def token_key(token: str) -> str:
    """Grouping key of a token: lower case, as the model's vectorizer sees it."""
    return token.lower()


def aggregate_tokens(tokens: pd.DataFrame, *, min_count: int = 1) -> pd.DataFrame:
    """Aggregate a token table per label and (lower-cased) token.

    Parameters
    ----------
    tokens
        Token table with ``post_id``, ``label``, ``token``, ``value``.
    min_count
        Drop words seen fewer times than this (rare words have noisy means).

    Returns
    -------
    pandas.DataFrame
        ``label``, ``token``, ``mean_value``, ``mean_abs_value``, ``count``
        (occurrences), ``n_posts`` and ``posts`` (post ids, strongest positive
        attribution first), sorted by label then ``mean_abs_value`` descending.

    """
    if tokens.empty:
        return pd.DataFrame(columns=GLOBAL_COLUMNS)
    frame = tokens[["post_id", "label", "token", "value"]].copy()
    frame["token"] = frame["token"].map(token_key)
    frame["abs_value"] = frame["value"].abs()
    grouped = frame.groupby(["label", "token"], sort=False)
    table = grouped.agg(
        mean_value=("value", "mean"),
        mean_abs_value=("abs_value", "mean"),
        count=("value", "size"),
        n_posts=("post_id", "nunique"),
    ).reset_index()
    best = frame.groupby(["label", "token", "post_id"], sort=False)["value"].max().reset_index()
    best = best.sort_values("value", ascending=False, kind="stable")
    posts = best.groupby(["label", "token"], sort=False)["post_id"].agg(list)
    table["posts"] = [posts[(label, token)] for label, token in zip(table["label"], table["token"], strict=True)]
    table = table[table["count"] >= min_count]
    table = table.sort_values(["label", "mean_abs_value", "token"], ascending=[True, False, True], kind="stable")
    return table.reset_index(drop=True)[GLOBAL_COLUMNS]


def token_posts(tokens: pd.DataFrame, token: str, label: str | None = None) -> pd.DataFrame:
    """Occurrences of one word (matched by :func:`token_key`), strongest first.

    Returns
    -------
    pandas.DataFrame
        The matching rows of the token table, sorted by ``value`` descending.

    """
    keys = tokens["token"].map(token_key) if not tokens.empty else pd.Series(dtype=str)
    rows = tokens[keys == token_key(token)]
    if label is not None:
        rows = rows[rows["label"] == label]
    return rows.sort_values("value", ascending=False, kind="stable").reset_index(drop=True)[TOKEN_COLUMNS]


def explain_global(
    texts: Sequence[str],
    predict_fn: PredictFn,
    labels: Sequence[str],
    *,
    post_ids: Sequence[Any] | None = None,
    flagged: Sequence[bool] | np.ndarray | None = None,
    max_posts: int | None = 1000,
    seed: int = 0,
    label: str | Sequence[str] | None = None,
    config: ExplainConfig | None = None,
    min_count: int = 1,
    progress: ProgressFn | None = None,
    cancel: CancelFlag | None = None,
) -> GlobalView:
    """Explain the selected posts and aggregate attributions per word.

    Parameters
    ----------
    texts, predict_fn, labels, post_ids, label, config
        As in :func:`~core.explain.shap_values.explain_texts`.
    flagged, max_posts, seed
        Which posts to explain, see :func:`select_posts`.
    min_count
        See :func:`aggregate_tokens`.
    progress, cancel
        Called / checked after each post; a stopped run aggregates the posts
        already explained and sets ``cancelled``.

    Returns
    -------
    GlobalView
        Aggregated table and the underlying per-post attributions.

    """
    ids = list(range(len(texts))) if post_ids is None else list(post_ids)
    if len(ids) != len(texts):
        raise ValueError(f"Got {len(ids)} post ids for {len(texts)} texts.")
    chosen = select_posts(len(texts), flagged=flagged, max_posts=max_posts, seed=seed)
    attributions = explain_texts(
        [texts[i] for i in chosen],
        predict_fn,
        labels,
        post_ids=[ids[i] for i in chosen],
        label=label,
        config=config,
        progress=progress,
        cancel=cancel,
    )
    return GlobalView(tokens=aggregate_tokens(attributions.tokens, min_count=min_count), attributions=attributions)
