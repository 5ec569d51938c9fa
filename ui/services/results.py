"""Scored posts and what the Score page does with them: flags, filters, summary, exports.

No Streamlit here, so every piece is tested on plain DataFrames. Scores are
computed once; moving a threshold only recomputes flags (:func:`core.scoring.reflag`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from core.evaluation.metrics import evaluate_scores
from core.io.export import to_csv_bytes, to_parquet_bytes
from core.io.posts import Posts
from core.scoring import reflag, score_frame

ROW = "row"
"""Name of the index of the results table: the post's row in the input (0-based)."""
ANY_LABEL = "any label"
FLAG_CHOICES = ("all posts", "flagged", "not flagged")


@dataclass(frozen=True)
class ScoredPosts:
    """The posts of one input with the model's scores.

    Parameters
    ----------
    posts
        The input posts.
    labels
        Model labels, in score column order.
    scores
        Scores, shape ``(len(posts), len(labels))``.
    model_thresholds
        The model's threshold per label (the sliders start there).
    model_name
        Name of the model, for exports.
    seconds
        How long scoring took (0 for a cache hit).

    """

    posts: Posts
    labels: tuple[str, ...]
    scores: np.ndarray
    model_thresholds: Mapping[str, float]
    model_name: str = ""
    seconds: float = 0.0

    def __len__(self) -> int:
        return len(self.posts)

    @cached_property
    def table(self) -> pd.DataFrame:
        """All input columns, then ``score_<label>`` / ``flag_<label>`` at the model thresholds.

        Same layout as :func:`core.scoring.score_posts` (input columns with a
        clashing name are replaced); the index is named ``row``.
        """
        result = score_frame(self.labels, self.scores, self.model_thresholds)
        taken = [c for c in result.columns if c in self.posts.frame.columns]
        base = self.posts.frame.drop(columns=taken) if taken else self.posts.frame
        table = pd.concat([base.reset_index(drop=True), result], axis=1)
        table.index.name = ROW
        return table

    @cached_property
    def texts(self) -> pd.Series:
        """Post texts as strings, aligned with :attr:`table` (for search)."""
        return pd.Series(self.posts.texts, index=self.table.index, dtype=object)

    def flagged(self, thresholds: Mapping[str, float]) -> pd.DataFrame:
        """The table with flags at ``thresholds`` (no rescoring)."""
        return reflag(self.table, {label: float(thresholds[label]) for label in self.labels})


def score_columns(labels: Sequence[str]) -> list[str]:
    """``score_<label>`` for each label."""
    return [f"score_{label}" for label in labels]


def flag_columns(labels: Sequence[str]) -> list[str]:
    """``flag_<label>`` for each label."""
    return [f"flag_{label}" for label in labels]


def filter_rows(
    table: pd.DataFrame,
    texts: pd.Series,
    labels: Sequence[str],
    *,
    search: str = "",
    label: str = ANY_LABEL,
    flag: str = FLAG_CHOICES[0],
    score_range: tuple[float, float] = (0.0, 1.0),
) -> pd.DataFrame:
    """Rows matching every filter.

    Parameters
    ----------
    table
        Flagged results table.
    texts
        Post texts aligned with ``table``.
    labels
        Model labels.
    search
        Case-insensitive substring of the post text ("" matches all).
    label
        The label that ``flag`` and ``score_range`` apply to, or ``ANY_LABEL``
        (flagged for any label; highest score of all labels).
    flag
        One of ``FLAG_CHOICES``.
    score_range
        Inclusive range of the score.

    """
    keep = np.ones(len(table), dtype=bool)
    if search.strip():
        keep &= texts.str.contains(search.strip(), case=False, regex=False, na=False).to_numpy()
    if label == ANY_LABEL:
        flags = table[flag_columns(labels)].to_numpy().any(axis=1)
        scores = table[score_columns(labels)].to_numpy().max(axis=1)
    else:
        flags = table[f"flag_{label}"].to_numpy().astype(bool)
        scores = table[f"score_{label}"].to_numpy()
    if flag == "flagged":
        keep &= flags
    elif flag == "not flagged":
        keep &= ~flags
    low, high = score_range
    if (low, high) != (0.0, 1.0):
        keep &= (scores >= low) & (scores <= high)
    return table[keep]


def summarize(table: pd.DataFrame, labels: Sequence[str]) -> dict[str, float]:
    """Posts, flagged posts per label and for any label, and the share flagged (0 for no posts)."""
    n = len(table)
    summary: dict[str, float] = {"posts": n}
    for label in labels:
        summary[f"flagged_{label}"] = int(table[f"flag_{label}"].sum())
    any_flag = int(table[flag_columns(labels)].to_numpy().any(axis=1).sum()) if n else 0
    summary["flagged_any"] = any_flag
    summary["share_flagged"] = any_flag / n if n else 0.0
    return summary


def label_metrics(truth: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    """Quick metrics of one label at ``threshold`` (``core.evaluation.metrics.evaluate_scores``)."""
    return evaluate_scores(truth, scores, threshold=threshold)


def export_table(result: ScoredPosts, thresholds: Mapping[str, float]) -> pd.DataFrame:
    """The full scored table with flags at ``thresholds`` and a ``threshold_<label>`` column per label."""
    table = result.flagged(thresholds).reset_index(drop=True)
    for label in result.labels:
        table[f"threshold_{label}"] = np.float32(thresholds[label])
    return table


def export_csv(result: ScoredPosts, thresholds: Mapping[str, float]) -> bytes:
    """CSV of :func:`export_table`, formula-like cells escaped as the CLI does."""
    return to_csv_bytes(export_table(result, thresholds))


def export_parquet(result: ScoredPosts, thresholds: Mapping[str, float]) -> bytes:
    """Parquet of the scored table; thresholds, model and source in the file's ``modlens`` metadata."""
    table = result.flagged(thresholds).reset_index(drop=True)
    metadata = {
        "thresholds": {label: float(thresholds[label]) for label in result.labels},
        "model": result.model_name,
        "source": result.posts.source_name,
    }
    return to_parquet_bytes(table, metadata=metadata)


def export_name(result: ScoredPosts, suffix: str) -> str:
    """Download file name: ``<input stem>.scored<suffix>``."""
    stem = result.posts.source_name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "posts"
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in stem)[:80] or "posts"
    return f"{safe}.scored{suffix}"
