"""Saved batches: store a scored upload once (bulk insert), list recent ones, reopen one without rescoring.

A batch keeps every post's text, id, author and scores as rows of ``items`` and the
file's other columns as one Parquet blob, so :func:`open_batch` returns the table as
it was scored (the file's columns, then ``score_<label>`` and ``flag_<label>`` at
the saved thresholds). :func:`save_batch` can create a review queue in the same
transaction: after a crash there is the whole batch and queue, or nothing.
"""

from __future__ import annotations

import io
import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import ModLensError
from core.io.columns import ID_COLUMN_NAMES as ID_COLUMN_NAMES  # re-exported: the names the CLI finds
from core.io.columns import find_id_column as find_id_column
from core.io.posts import describe_columns
from core.store.access import authorize
from core.store.audit import add_event
from core.store.db import Database
from core.store.lookup import get_batch
from core.store.queues import QueueRequest, QueueResult, add_queue
from core.store.roles import Actor, Permission
from core.store.schema import Batch, Item, utcnow
from core.store.text import storable

INSERT_CHUNK = 10_000


@dataclass(frozen=True, eq=False)
class BatchInput:
    """A scored upload to save.

    Attributes
    ----------
    frame
        The file's columns and rows, as read (``Posts.frame``); score and flag columns are ignored.
    text_col, id_col, author_col
        Columns of ``frame``; without ``id_col`` the 1-based row numbers are the ids.
    scores
        Shape (rows, labels), in the order of ``labels``.
    thresholds
        The thresholds in force for each label (saved; reopening flags with them).
    model_version
        Which model scored it (see :func:`core.registry.model_version_label`).

    """

    frame: pd.DataFrame
    text_col: str
    scores: np.ndarray
    labels: tuple[str, ...]
    thresholds: Mapping[str, float]
    model_version: str
    file_name: str = ""
    content_hash: str = ""
    id_col: str | None = None
    author_col: str | None = None

    @classmethod
    def from_scored(
        cls,
        scored: pd.DataFrame,
        *,
        text_col: str,
        labels: Sequence[str],
        thresholds: Mapping[str, float],
        model_version: str,
        **kwargs: object,
    ) -> BatchInput:
        """From a table with the file's columns plus ``score_<label>`` (and ``flag_<label>``) columns."""
        missing = [f"score_{lb}" for lb in labels if f"score_{lb}" not in scored.columns]
        if missing:
            raise ModLensError(f"The scored table lacks {', '.join(missing)}. Score the posts before saving.")
        scores = scored[[f"score_{lb}" for lb in labels]].to_numpy(dtype=np.float64)
        return cls(
            frame=scored,
            text_col=text_col,
            scores=scores,
            labels=tuple(labels),
            thresholds=dict(thresholds),
            model_version=model_version,
            **kwargs,  # type: ignore[arg-type]
        )


@dataclass(frozen=True, eq=False)
class SavedBatch:
    """A batch as listed and reopened."""

    id: int
    file_name: str
    created_by: str
    created_at: datetime
    model_version: str
    labels: tuple[str, ...]
    thresholds: dict[str, float]
    row_count: int
    text_col: str
    id_col: str | None
    author_col: str | None
    content_hash: str = ""
    """SHA-256 of the uploaded file (empty when not known)."""
    frame: pd.DataFrame | None = None
    """The file's columns, then ``score_<label>``/``flag_<label>`` (only from :func:`open_batch`)."""
    item_ids: np.ndarray | None = None
    """Database id of each row of ``frame`` (for sending posts to review)."""
    queue: QueueResult | None = field(default=None)
    """The queue created with the batch, if one was asked for."""


MAX_COLUMN_NAME = 255
"""Longest text, id or author column name stored with a batch (the schema's ``String(255)``)."""


def _validate(batch: BatchInput) -> None:
    frame = batch.frame
    if len(frame) == 0:
        raise ModLensError("The batch has no posts. Upload a file with at least one post.")
    for name, column in (("text", batch.text_col), ("id", batch.id_col), ("author", batch.author_col)):
        if column is not None and column not in frame.columns:
            raise ModLensError(
                f"The {name} column '{column}' is not in the file. Columns are: {describe_columns(frame.columns)}."
            )
        if column is not None and len(column) > MAX_COLUMN_NAME:
            raise ModLensError(
                f"The {name} column's name is {len(column):,} characters long; the review store keeps names of "
                f"up to {MAX_COLUMN_NAME}. Rename the column in the file and upload it again."
            )
    if not batch.labels or set(batch.labels) - set(batch.thresholds):
        raise ModLensError("Every label needs a threshold. Give thresholds for: " + ", ".join(batch.labels) + ".")
    if batch.scores.shape != (len(frame), len(batch.labels)):
        raise ModLensError(f"Expected scores of shape ({len(frame)}, {len(batch.labels)}), got {batch.scores.shape}.")
    if not np.isfinite(batch.scores).all() or (batch.scores < 0).any() or (batch.scores > 1).any():
        raise ModLensError("Scores must be numbers between 0 and 1. Score the posts again.")
    for label, value in batch.thresholds.items():
        if not 0.0 <= float(value) <= 1.0:
            raise ModLensError(f"The threshold of {label} must be between 0 and 1, got {value}.")


def _cells(series: pd.Series) -> list[str | None]:
    """Column values as text; missing and empty values as None."""
    out: list[str | None] = []
    for value in series.tolist():
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            out.append(None)
        else:
            text = value if isinstance(value, str) else str(value)
            out.append(storable(text) if text.strip() else None)
    return out


def _texts(series: pd.Series) -> list[str]:
    """Post texts as written (see :func:`storable`); missing values become ``""``."""
    cells = _cells(series)
    return [storable(v) if isinstance(v, str) else (c or "") for v, c in zip(series.tolist(), cells, strict=True)]


def _extra_parquet(frame: pd.DataFrame) -> bytes | None:
    """The remaining columns as Parquet; columns pyarrow cannot type are stored as text."""
    if frame.shape[1] == 0:
        return None
    from core.io.export import to_parquet_bytes

    try:
        return to_parquet_bytes(frame.reset_index(drop=True))
    except Exception:  # pyarrow raises several types for mixed object columns
        as_text = frame.reset_index(drop=True).copy()
        for column in as_text.columns:
            if as_text[column].dtype == object:
                as_text[column] = pd.Series(_cells(as_text[column]), dtype=object)
        return to_parquet_bytes(as_text)


ITEM_COLUMNS = ("batch_id", "queue_id", "row_number", "external_id", "author", "text", "scores", "status", "priority")


def _bulk_insert_items(session: Session, rows: Iterable[tuple[object, ...]]) -> None:
    """Insert item rows (in :data:`ITEM_COLUMNS` order, scores as JSON text) in the session's transaction.

    PostgreSQL gets ``COPY ... FROM STDIN``; SQLite one prepared ``executemany`` per chunk.
    Both skip SQLAlchemy's per-row processing, which would double the time of a large batch.
    """
    connection = session.connection()
    names = ", ".join(ITEM_COLUMNS)
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(f"COPY items ({names}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)
        return
    statement = f"INSERT INTO items ({names}) VALUES ({', '.join('?' * len(ITEM_COLUMNS))})"
    cursor = connection.connection.driver_connection.cursor()
    try:
        for chunk in iter(lambda: list(itertools.islice(rows, INSERT_CHUNK)), []):
            cursor.executemany(statement, chunk)
    finally:
        cursor.close()


def save_batch(db: Database, actor: Actor, batch: BatchInput, *, queue: QueueRequest | None = None) -> SavedBatch:
    """Save a scored upload (and optionally a review queue of it) in one transaction; records ``batch_save``.

    100,000 posts take a few seconds (rows are inserted in chunks of :data:`INSERT_CHUNK`).
    """
    _validate(batch)
    frame = batch.frame.reset_index(drop=True)
    labels = list(batch.labels)
    thresholds = {lb: float(batch.thresholds[lb]) for lb in labels}
    texts = _texts(frame[batch.text_col])
    n = len(frame)
    ids = _cells(frame[batch.id_col]) if batch.id_col else [None] * n
    external = [value if value is not None else str(i + 1) for i, value in enumerate(ids)]
    authors = _cells(frame[batch.author_col]) if batch.author_col else [None] * n
    derived = {f"{kind}_{lb}" for lb in labels for kind in ("score", "flag")}
    own = {batch.text_col, batch.author_col} - {None}
    columns = [str(c) for c in frame.columns if c not in derived]
    extras = frame[[c for c in columns if c not in own]]
    if batch.id_col is not None:  # kept as the ids are stored, empty ones empty (not filled with row numbers)
        extras = extras.assign(**{batch.id_col: pd.Series([None if v is None else v[:255] for v in ids], dtype=object)})
    scores = np.asarray(batch.scores, dtype=np.float64)
    with db.write() as session:
        authorize(session, actor, Permission.SAVE_BATCH)
        if queue is not None:
            authorize(session, actor, Permission.CREATE_QUEUE)
        row = Batch(
            file_name=storable(batch.file_name[:255]) or "(pasted posts)",
            content_hash=batch.content_hash,
            created_by=actor.name,
            created_at=utcnow(),
            model_version=batch.model_version[:255],
            thresholds=thresholds,
            labels=labels,
            row_count=n,
            columns=columns,
            text_col=batch.text_col,
            id_col=batch.id_col,
            author_col=batch.author_col,
            extra_columns=_extra_parquet(extras),
        )
        session.add(row)
        session.flush()
        queue_ids: list[int | None] = [None] * n
        priorities = [0.0] * n
        made: QueueResult | None = None
        if queue is not None:
            view = pd.DataFrame({"text": texts, **{f"score_{lb}": scores[:, j] for j, lb in enumerate(labels)}})
            made, mask, priority = add_queue(session, actor, row, queue, view)
            queue_ids = [made.id if m else None for m in mask.tolist()]
            priorities = [float(p) if m else 0.0 for m, p in zip(mask.tolist(), priority.tolist(), strict=True)]
        rows = (
            (
                row.id,
                queue_ids[i],
                i + 1,
                external[i][:255],
                None if authors[i] is None else authors[i][:255],
                texts[i],
                json.dumps(dict(zip(labels, scores[i].tolist(), strict=True))),
                "pending",
                priorities[i],
            )
            for i in range(n)
        )
        _bulk_insert_items(session, rows)
        add_event(
            session,
            actor,
            "batch_save",
            "batch",
            row.id,
            after={
                "file_name": row.file_name,
                "content_hash": row.content_hash,
                "rows": n,
                "model_version": row.model_version,
                "thresholds": thresholds,
                "queue": made.name if made else None,
            },
        )
        saved = _summary(row, queue=made)
    db.refresh_statistics()
    return saved


def _summary(row: Batch, **extra: object) -> SavedBatch:
    return SavedBatch(
        id=row.id,
        file_name=row.file_name,
        created_by=row.created_by,
        created_at=row.created_at,
        model_version=row.model_version,
        labels=tuple(row.labels),
        thresholds=dict(row.thresholds),
        row_count=row.row_count,
        text_col=row.text_col,
        id_col=row.id_col,
        author_col=row.author_col,
        content_hash=row.content_hash or "",
        **extra,  # type: ignore[arg-type]
    )


def list_batches(db: Database, actor: Actor, *, limit: int = 20, created_by: str | None = None) -> list[SavedBatch]:
    """The most recent batches first (without their posts), optionally only those of one user."""
    query = select(Batch).order_by(Batch.id.desc()).limit(max(1, min(limit, 1_000)))
    if created_by is not None:
        query = query.where(Batch.created_by == created_by)
    with db.read() as session:
        authorize(session, actor, Permission.READ_BATCHES)
        return [_summary(row) for row in session.scalars(query)]


def open_batch(db: Database, actor: Actor, batch_id: int) -> SavedBatch:
    """A saved batch with its table (file columns, scores, flags at the saved thresholds); nothing is rescored."""
    from core.scoring import score_frame

    with db.read() as session:
        authorize(session, actor, Permission.READ_BATCHES)
        row = get_batch(session, batch_id)
        blob = row.extra_columns
        items = session.execute(
            select(Item.id, Item.external_id, Item.author, Item.text, Item.scores)
            .where(Item.batch_id == batch_id)
            .order_by(Item.row_number)
        ).all()
    labels = list(row.labels)
    item_ids, external, authors, texts, score_dicts = (list(c) for c in zip(*items, strict=True))
    scores = np.array([[s[lb] for lb in labels] for s in score_dicts], dtype=np.float32)
    extras = pd.read_parquet(io.BytesIO(blob)) if blob else pd.DataFrame()
    own = {row.text_col: texts, row.author_col: authors}
    if row.id_col is not None and row.id_col not in extras.columns:
        own[row.id_col] = external  # a batch saved before its id column was kept as written
    data = {c: (own[c] if c in own else extras[c].to_numpy()) for c in row.columns}
    frame = pd.concat([pd.DataFrame(data, columns=row.columns), score_frame(labels, scores, row.thresholds)], axis=1)
    return _summary(row, frame=frame, item_ids=np.asarray(item_ids, dtype=np.int64))


def set_batch_thresholds(db: Database, actor: Actor, batch_id: int, thresholds: Mapping[str, float]) -> SavedBatch:
    """Save new thresholds for a batch (reopening flags with them); records ``threshold_change``."""
    with db.write() as session:
        authorize(session, actor, Permission.SAVE_BATCH)
        row = get_batch(session, batch_id)
        unknown = set(thresholds) - set(row.labels)
        if unknown:
            raise ModLensError(f"Unknown label(s) {', '.join(sorted(unknown))}; labels are {', '.join(row.labels)}.")
        if any(not 0.0 <= float(v) <= 1.0 for v in thresholds.values()):
            raise ModLensError("Thresholds must be between 0 and 1.")
        before = dict(row.thresholds)
        row.thresholds = {**before, **{k: float(v) for k, v in thresholds.items()}}
        add_event(session, actor, "threshold_change", "batch", batch_id, before=before, after=row.thresholds)
        return _summary(row)


def batch_size(session: Session, batch_id: int) -> int:
    """Number of posts in a batch."""
    return int(session.scalar(select(func.count()).select_from(Item).where(Item.batch_id == batch_id)) or 0)
