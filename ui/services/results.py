"""Scored posts and what the Score page does with them: flags, filters, summary, exports.

No Streamlit here, so every piece is tested on plain DataFrames. Scores are
computed once; moving a threshold only recomputes flags (:func:`core.scoring.reflag`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from core.errors import ModLensError
from core.evaluation.metrics import evaluate_scores
from core.io.columns import id_column_problem, post_names
from core.io.export import to_csv_bytes, to_parquet_bytes
from core.io.posts import Posts
from core.scoring import reflag, score_frame
from ui.services.model_ref import ModelRef
from ui.services.post_markers import PostMarkers

ROW = "row"
"""Name of the index of the results table: the post's position in the input (0-based, internal only).

People never see it: posts are named by :attr:`ScoredPosts.post_names` (the file's id, else
the 1-based row number)."""
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
    model
        The model that scored them (every view of the result uses it), or None when unknown.
    id_col
        The column that names the posts (the file's id column), or None for 1-based row numbers.
    markers
        Per post: scored in windows, and its words the model does not know
        (:class:`ui.services.post_markers.PostMarkers`), or None.
    languages
        Each post's language (``core.language.detect_languages``, index 0..n-1), or None.

    """

    posts: Posts
    labels: tuple[str, ...]
    scores: np.ndarray
    model_thresholds: Mapping[str, float]
    model_name: str = ""
    seconds: float = 0.0
    model: ModelRef | None = None
    id_col: str | None = None
    markers: PostMarkers | None = None
    languages: pd.DataFrame | None = None

    def __len__(self) -> int:
        return len(self.posts)

    @property
    def model_title(self) -> str:
        """The scoring model as pages name it: ``modlens-default-v3 (version 0)``."""
        return self.model.title if self.model is not None else (self.model_name or "the model")

    @cached_property
    def post_names(self) -> list[str]:
        """Each post's name: its value in :attr:`id_col`, else its 1-based row number."""
        return post_names(self.posts.frame, self.id_col)

    @cached_property
    def _rows_by_name(self) -> dict[str, int]:
        return {name: row for row, name in enumerate(self.post_names)}

    def name_of(self, row: int) -> str:
        """The name of the post at position ``row`` (0-based)."""
        return self.post_names[row]

    def row_of(self, name: str) -> int | None:
        """Position (0-based) of the post named ``name``, or None when no post has that name.

        ``name`` is as a person typed or pasted it: surrounding spaces are ignored, and so,
        where no post has the name as given, are the invisible word joiners (U+2060) a name
        copied from the page carries (``ui.components.safe_text.escape_markdown`` puts them there).
        """
        typed = str(name).strip()
        row = self._rows_by_name.get(typed)
        return row if row is not None else self._rows_by_name.get(typed.replace("\u2060", ""))

    def numbered_by(self, id_col: str | None) -> ScoredPosts:
        """The same posts named by ``id_col`` (None: row numbers).

        Raises
        ------
        ModLensError
            When the column is missing or has empty or repeated values (the message says which).

        """
        if id_col is not None:
            if id_col not in self.posts.frame.columns:
                raise ModLensError(f"Column '{id_col}' is not in the file. Choose one of its columns.")
            problem = id_column_problem(self.posts.frame[id_col])
            if problem is not None:
                raise ModLensError(f"{problem} Choose another column, or number the posts by row.")
        return dataclasses.replace(self, id_col=id_col)

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


def free_name(name: str, taken: Iterable[object]) -> str:
    """``name``, or ``"name (ModLens)"`` (then ``"name (ModLens 2)"``, ...) when an input column has it already.

    For columns that ModLens adds to a shown table: they never replace one of the file's.
    """
    used = {str(column) for column in taken}
    if name not in used:
        return name
    candidate, n = f"{name} (ModLens)", 1
    while candidate in used:
        n += 1
        candidate = f"{name} (ModLens {n})"
    return candidate


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


ROW_NUMBER = "row_number"
"""Export column naming each post by its 1-based row when the posts are not named by an id column."""
MODEL_COLUMNS = ("model_name", "model_version")
"""Export columns naming the model that scored each post (its name and registry version ``vN``)."""


def export_table(
    result: ScoredPosts,
    thresholds: Mapping[str, float],
    rows: Sequence[int] | None = None,
    redacted: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The scored table with flags at ``thresholds``, for export.

    Every input column, then ``score_<label>`` / ``flag_<label>``, a ``threshold_<label>``
    per label, and ``model_name`` / ``model_version`` of the model that scored the posts.
    Posts not named by an id column get a ``row_number`` column first (1-based, as the
    dashboard names them). An input column that has one of these names is kept: the added
    column is then named ``<name> (ModLens)`` (:func:`free_name`).
    ``rows`` (positions) limits the export, e.g. to the filtered view.
    ``redacted``: input columns with personal data redacted
    (``ui.services.privacy.redacted_columns``, index 0..n-1), which replace those columns.
    """
    table = _with_redacted(result.flagged(thresholds), redacted)
    if rows is not None:
        table = table.loc[list(rows)]
    positions = table.index.to_numpy()
    table = table.reset_index(drop=True)
    taken = list(result.posts.frame.columns)  # the file's own columns are never replaced
    if result.id_col is None:
        table.insert(0, free_name(ROW_NUMBER, taken), positions + 1)
    added = {f"threshold_{label}": np.float32(thresholds[label]) for label in result.labels}
    model = result.model
    added["model_name"] = model.name if model is not None else result.model_name
    added["model_version"] = model.tag if model is not None else ""
    for name, value in added.items():
        table[free_name(name, taken)] = value
    return table


def _with_redacted(table: pd.DataFrame, redacted: pd.DataFrame | None) -> pd.DataFrame:
    """``table`` (all posts, positions as index) with the redacted input columns put in."""
    if redacted is None:
        return table
    for column in redacted.columns:
        if column in table.columns:
            table[column] = redacted[column].to_numpy()
    return table


def export_csv(
    result: ScoredPosts,
    thresholds: Mapping[str, float],
    rows: Sequence[int] | None = None,
    redacted: pd.DataFrame | None = None,
) -> bytes:
    """CSV of :func:`export_table` (redacted first, then formula-like cells escaped as the CLI does)."""
    return to_csv_bytes(export_table(result, thresholds, rows, redacted))


def export_parquet(
    result: ScoredPosts,
    thresholds: Mapping[str, float],
    rows: Sequence[int] | None = None,
    redacted: pd.DataFrame | None = None,
) -> bytes:
    """Parquet of :func:`export_table`; thresholds, model, source and redaction also in its ``modlens`` metadata."""
    model = result.model
    metadata = {
        "thresholds": {label: float(thresholds[label]) for label in result.labels},
        "model": result.model_name,
        "model_version": model.tag if model is not None else "",
        "model_directory": model.directory if model is not None else "",
        "source": result.posts.source_name,
        "rows": "all" if rows is None else "filtered view",
        "personal_data": "redacted" if redacted is not None else "as written",
    }
    return to_parquet_bytes(export_table(result, thresholds, rows, redacted), metadata=metadata)


def export_name(result: ScoredPosts, suffix: str) -> str:
    """Download file name: ``<input stem>.scored<suffix>``."""
    stem = result.posts.source_name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "posts"
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in stem)[:80] or "posts"
    return f"{safe}.scored{suffix}"
