"""Occlusion and what-if: how the score changes when a post is edited.

Occlusion removes one token at a time (the same deletion SHAP uses) and scores
every variant in one batch; it is a cheap, assumption-free check on the SHAP
values. What-if scores a user's edited text next to the original.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from core.explain.predict import PredictFn, label_indexes, predict
from core.explain.tokens import remove_spans, token_spans

OCCLUSION_COLUMNS = ["label", "token", "start", "end", "score", "occluded_score", "drop"]
WHAT_IF_COLUMNS = ["label", "original", "edited", "change"]


def occlusion_scores(
    text: str,
    predict_fn: PredictFn,
    labels: Sequence[str],
    *,
    label: str | Sequence[str] | None = None,
    batch_size: int = 256,
) -> pd.DataFrame:
    """Score of ``text`` with each token removed in turn.

    Parameters
    ----------
    text
        The post as written.
    predict_fn
        ``list[str] -> (n, len(labels))`` probabilities.
    labels
        The model's label names.
    label
        Label name(s) to report; all when None.
    batch_size
        Texts per model call.

    Returns
    -------
    pandas.DataFrame
        One row per (label, token), tokens in text order: ``label``, ``token``,
        ``start``, ``end``, ``score`` (full post), ``occluded_score`` (post
        without that token) and ``drop = score - occluded_score`` (positive
        when the token pushes the label up).

    """
    columns = label_indexes(labels, label)
    spans = token_spans(text)
    variants = [text] + [remove_spans(text, spans, [i]) for i in range(len(spans))]
    scores = predict(predict_fn, variants, len(labels), batch_size=batch_size)
    rows = []
    for c in columns:
        full = float(scores[0, c])
        for i, (start, end) in enumerate(spans):
            occluded = float(scores[i + 1, c])
            rows.append(
                {
                    "label": labels[c],
                    "token": text[start:end],
                    "start": start,
                    "end": end,
                    "score": full,
                    "occluded_score": occluded,
                    "drop": full - occluded,
                }
            )
    return pd.DataFrame(rows, columns=OCCLUSION_COLUMNS)


def what_if(
    original: str,
    edited: str,
    predict_fn: PredictFn,
    labels: Sequence[str],
    *,
    label: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Scores of the original and an edited text, side by side.

    Returns
    -------
    pandas.DataFrame
        One row per label: ``label``, ``original`` and ``edited`` scores, and
        ``change = edited - original``.

    """
    columns = label_indexes(labels, label)
    scores = predict(predict_fn, [original, edited], len(labels))
    return pd.DataFrame(
        [
            {
                "label": labels[c],
                "original": float(scores[0, c]),
                "edited": float(scores[1, c]),
                "change": float(scores[1, c] - scores[0, c]),
            }
            for c in columns
        ],
        columns=WHAT_IF_COLUMNS,
    )
