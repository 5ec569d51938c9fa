"""Faithfulness: check that the top-attributed tokens really drive the score.

For a post, remove its ``k`` highest-attributed tokens and see how far the score
drops, compared with removing ``k`` random tokens. Faithful attributions give a
much larger drop for the top-k. The random baseline is the exact average over
all k-token subsets when there are few of them, otherwise a seeded sample.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from math import comb
from typing import Any

import numpy as np
import pandas as pd

from core.explain.predict import PredictFn, label_indexes, predict
from core.explain.progress import CancelFlag, ProgressFn, cancelled, report
from core.explain.shap_values import Attributions
from core.explain.tokens import Span, remove_spans

FAITHFULNESS_COLUMNS = [
    "post_id",
    "label",
    "k",
    "n_tokens",
    "score",
    "top_k_score",
    "random_k_score",
    "top_k_drop",
    "random_k_drop",
]
SUMMARY_COLUMNS = ["label", "k", "n_posts", "top_k_drop", "random_k_drop", "ratio"]


def _random_subsets(n: int, k: int, n_random: int, rng: np.random.Generator) -> list[tuple[int, ...]]:
    """All k-subsets of ``range(n)`` if at most ``n_random``, else ``n_random`` random ones."""
    if comb(n, k) <= n_random:
        return list(combinations(range(n), k))
    return [tuple(sorted(rng.choice(n, size=k, replace=False).tolist())) for _ in range(n_random)]


def post_faithfulness(
    text: str,
    token_rows: pd.DataFrame,
    predict_fn: PredictFn,
    labels: Sequence[str],
    label: str,
    *,
    ks: Sequence[int] = (3,),
    n_random: int = 20,
    seed: int | Sequence[int] = 0,
    post_id: Any = 0,
) -> pd.DataFrame:
    """Score drop from removing the top-k attributed tokens versus k random tokens.

    Parameters
    ----------
    text
        The post as written.
    token_rows
        Its attributions for ``label``: columns ``start``, ``end``, ``value``
        (e.g. ``Attributions.for_post(post_id, label)``).
    predict_fn
        ``list[str] -> (n, len(labels))`` probabilities.
    labels
        The model's label names.
    label
        Label whose score is measured.
    ks
        Numbers of tokens to remove; a ``k`` larger than the post's token count
        gives no row (top and random removal would be the same set).
    n_random
        Random subsets per ``k`` (all subsets when there are no more than this).
    seed
        Seed for the random subsets.
    post_id
        Copied into the result.

    Returns
    -------
    pandas.DataFrame
        One row per ``k``: ``score`` (full post), ``top_k_score`` /
        ``random_k_score`` (after removal; random is the mean over subsets) and
        the drops ``score - ...``.

    """
    column = label_indexes(labels, label)[0]
    rows = token_rows.sort_values("start")
    spans: list[Span] = [(int(a), int(b)) for a, b in zip(rows["start"], rows["end"], strict=True)]
    values = rows["value"].to_numpy(dtype=np.float64)
    n = len(spans)
    rng = np.random.default_rng(seed)
    ranking = np.argsort(-values, kind="stable")
    plans: list[tuple[int, list[tuple[int, ...]]]] = []
    variants = [text]
    for k in ks:
        if k < 1 or k > n:
            continue
        subsets = [tuple(ranking[:k].tolist()), *_random_subsets(n, k, n_random, rng)]
        plans.append((k, subsets))
        variants.extend(remove_spans(text, spans, subset) for subset in subsets)
    if not plans:
        return pd.DataFrame(columns=FAITHFULNESS_COLUMNS)
    scores = predict(predict_fn, variants, len(labels))[:, column]
    result = []
    position = 1
    full = float(scores[0])
    for k, subsets in plans:
        top = float(scores[position])
        randoms = scores[position + 1 : position + len(subsets)]
        position += len(subsets)
        result.append(
            {
                "post_id": post_id,
                "label": label,
                "k": k,
                "n_tokens": n,
                "score": full,
                "top_k_score": top,
                "random_k_score": float(randoms.mean()),
                "top_k_drop": full - top,
                "random_k_drop": full - float(randoms.mean()),
            }
        )
    return pd.DataFrame(result, columns=FAITHFULNESS_COLUMNS)


def faithfulness_table(
    attributions: Attributions,
    texts: Mapping[Any, str] | Sequence[str],
    predict_fn: PredictFn,
    labels: Sequence[str],
    *,
    label: str | Sequence[str] | None = None,
    ks: Sequence[int] = (3,),
    n_random: int = 20,
    seed: int = 0,
    progress: ProgressFn | None = None,
    cancel: CancelFlag | None = None,
) -> pd.DataFrame:
    """Run :func:`post_faithfulness` for every explained post and label.

    Parameters
    ----------
    attributions
        Result of :func:`~core.explain.shap_values.explain_texts`.
    texts
        Post text by post id (a sequence is indexed by position).
    predict_fn, labels
        The model function and its label names.
    label
        Label name(s); defaults to every label present in ``attributions``.
    ks, n_random
        As in :func:`post_faithfulness`.
    seed
        Seed of the random subsets; each post gets its own stream from it.
    progress, cancel
        As in :func:`~core.explain.shap_values.explain_texts`; stopping returns
        the rows computed so far.

    Returns
    -------
    pandas.DataFrame
        Rows of :func:`post_faithfulness` for all posts, labels and ``k``.

    """
    if label is None:
        names = [name for name in labels if name in set(attributions.posts["label"])]
    else:
        names = [labels[c] for c in label_indexes(labels, label)]
    post_ids = list(dict.fromkeys(attributions.posts["post_id"]))
    grouped = dict(tuple(attributions.tokens.groupby(["post_id", "label"], sort=False)))
    empty = attributions.tokens.iloc[0:0]
    parts = []
    total = len(post_ids)
    for done, post_id in enumerate(post_ids):
        if cancelled(cancel):
            break
        for name in names:
            rows = grouped.get((post_id, name), empty)
            parts.append(
                post_faithfulness(
                    texts[post_id],
                    rows,
                    predict_fn,
                    labels,
                    name,
                    ks=ks,
                    n_random=n_random,
                    seed=[seed, done],
                    post_id=post_id,
                )
            )
        if not report(progress, done + 1, total):
            break
    parts = [part for part in parts if len(part)]
    if not parts:
        return pd.DataFrame(columns=FAITHFULNESS_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def summarize_faithfulness(table: pd.DataFrame) -> pd.DataFrame:
    """Mean drops per label and ``k``, and their ratio (top-k over random-k).

    Returns
    -------
    pandas.DataFrame
        ``label``, ``k``, ``n_posts``, mean ``top_k_drop``, mean
        ``random_k_drop`` and ``ratio`` (NaN when the random drop is not
        positive, where a ratio would mean nothing).

    """
    if table.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    summary = (
        table.groupby(["label", "k"], sort=True)
        .agg(
            n_posts=("post_id", "size"),
            top_k_drop=("top_k_drop", "mean"),
            random_k_drop=("random_k_drop", "mean"),
        )
        .reset_index()
    )
    random_drop = summary["random_k_drop"].to_numpy(dtype=np.float64)
    top_drop = summary["top_k_drop"].to_numpy(dtype=np.float64)
    summary["ratio"] = np.where(random_drop > 0, top_drop / np.where(random_drop > 0, random_drop, 1.0), np.nan)
    return summary[SUMMARY_COLUMNS]
