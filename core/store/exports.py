"""Exports of review work: the decisions table (CSV / Parquet) and reviewed posts as training data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select

from core.errors import ModLensError
from core.store.access import authorize
from core.store.db import Database
from core.store.files import write_frame_atomic
from core.store.outcomes import item_outcomes
from core.store.queues import queue_by_name
from core.store.roles import Actor, Permission
from core.store.schema import Batch, Decision, Item, Queue

HISTORY_COLUMNS = (
    "decision_id",
    "item_id",
    "id",
    "reviewer",
    "action",
    "reason",
    "note",
    "labels",
    "source",
    "rule_text",
    "decided_at",
    "seconds_spent",
    "is_current",
    "model_version",
)


def export_columns(labels: Sequence[str]) -> list[str]:
    """The columns of :func:`decisions_frame` (a public contract of ``review export``)."""
    return [
        "item_id",
        "id",
        "text",
        *(f"score_{lb}" for lb in labels),
        "status",
        "action",
        "reason",
        "note",
        "reviewer",
        "decided_at",
        "model_version",
    ]


def decisions_frame(db: Database, actor: Actor, queue: str) -> pd.DataFrame:
    """One row per post of ``queue`` with its latest decision (``action`` empty while undecided)."""
    with db.read() as session:
        authorize(session, actor, Permission.READ_REVIEW)
        row = queue_by_name(session, queue)
        batch = session.get(Batch, row.batch_id)
        assert batch is not None
        table = item_outcomes(session, batch, Item.queue_id == row.id)
    return table[export_columns(batch.labels)]


def export_decisions(db: Database, actor: Actor, queue: str, path: str | Path) -> Path:
    """Write :func:`decisions_frame` to ``path`` (.csv formula-escaped, or .parquet) atomically.

    CSV gives ``decided_at`` as ISO 8601 text; Parquet keeps it a UTC timestamp (as the Review page's download).
    """
    frame = decisions_frame(db, actor, queue)
    if Path(path).suffix.lower() == ".csv":
        frame = frame.assign(decided_at=frame["decided_at"].map(lambda t: t.isoformat() if pd.notna(t) else None))
    return write_frame_atomic(frame, path)


def decision_history(
    db: Database,
    actor: Actor,
    queue: str,
    *,
    reviewer: str | None = None,
    current_only: bool = False,
    latest: int | None = None,
) -> pd.DataFrame:
    """Every decision ever recorded in ``queue`` (superseded ones too), oldest first.

    ``reviewer`` keeps one person's decisions, ``current_only`` those not superseded, and
    ``latest`` the most recent ``latest`` of them (still oldest first): a reviewer's own
    recent decisions are then read without loading the whole queue's history.
    """
    if latest is not None and latest < 0:
        raise ModLensError(f"latest must be 0 or more, got {latest}.")
    with db.read() as session:
        authorize(session, actor, Permission.READ_REVIEW)
        row = queue_by_name(session, queue)
        query = (
            select(Decision, Item.external_id).join(Item, Item.id == Decision.item_id).where(Item.queue_id == row.id)
        )
        if reviewer is not None:
            query = query.where(Decision.reviewer == reviewer)
        if current_only:
            query = query.where(Decision.is_current)
        if latest is None:
            rows = session.execute(query.order_by(Decision.id)).all()
        else:
            rows = session.execute(query.order_by(Decision.id.desc()).limit(latest)).all()[::-1]
    return pd.DataFrame(
        [
            {
                "decision_id": d.id,
                "item_id": d.item_id,
                "id": external,
                "reviewer": d.reviewer,
                "action": d.action,
                "reason": d.reason,
                "note": d.note,
                "labels": ",".join(d.labels) if d.labels else None,
                "source": d.source,
                "rule_text": d.rule_text,
                "decided_at": d.decided_at,
                "seconds_spent": d.seconds_spent,
                "is_current": d.is_current,
                "model_version": d.model_version,
            }
            for d, external in rows
        ],
        columns=list(HISTORY_COLUMNS),
    )


@dataclass(frozen=True, eq=False)
class ReviewedPosts:
    """Decided posts as labelled data: ``labels[i, j]`` is 1, 0 or NaN (unknown) for ``label_names[j]``."""

    texts: list[str]
    labels: np.ndarray
    label_names: tuple[str, ...]
    item_ids: np.ndarray

    def __len__(self) -> int:
        return len(self.texts)

    def to_frame(self) -> pd.DataFrame:
        """``text`` and one column per label, ready for ``python -m core train --data``."""
        return pd.DataFrame({"text": self.texts, **{n: self.labels[:, j] for j, n in enumerate(self.label_names)}})


def training_data(
    db: Database, actor: Actor, queues: Sequence[str] | None = None, *, primary_label: str = "toxic"
) -> ReviewedPosts:
    """Posts decided remove (``primary_label`` = 1) or approve (every label 0), for "train on reviewed posts".

    A removal marks the other labels 1 when a reviewer named them in ``labels``, 0 when
    reviewers named labels without them, and NaN (unknown) when no labels were given.
    Only decided posts count: escalated posts, posts still waiting for a review their
    queue requires, skips, and posts whose reviewers disagree are left out. A post
    escalated and then decided (its latest decision approves or removes) counts.
    Needs the admin role (training models).
    """
    with db.read() as session:
        authorize(session, actor, Permission.MANAGE_MODELS)
        rows = session.scalars(select(Queue).order_by(Queue.id)).all()
        chosen = [q for q in rows if queues is None or q.name in set(queues)]
        if queues is not None:
            missing = set(queues) - {q.name for q in chosen}
            if missing:
                queue_by_name(session, sorted(missing)[0])  # raises the helpful error
        batches = {q.batch_id: session.get(Batch, q.batch_id) for q in chosen}
        names = list(dict.fromkeys(lb for b in batches.values() if b for lb in b.labels))
        if primary_label not in names:
            raise ModLensError(f"No reviewed batch has the label '{primary_label}'. Labels: {', '.join(names)}.")
        decisions = session.execute(
            select(Item.id, Item.text, Decision.action, Decision.labels)
            .join(Decision, Decision.item_id == Item.id)
            .where(
                Item.queue_id.in_([q.id for q in chosen]),
                Item.status == "decided",
                Decision.is_current,
                Decision.action.in_(["approve", "remove"]),
            )
            .order_by(Item.id, Decision.id)
        ).all()
    by_item: dict[int, list] = {}
    for item_id, text, action, labels in decisions:
        by_item.setdefault(item_id, [text, []])[1].append((action, labels))
    texts, matrix, ids = [], [], []
    for item_id, (text, votes) in by_item.items():
        if len({a for a, _ in votes}) > 1:
            continue  # reviewers disagree: no label
        action = votes[0][0]
        named = [set(labels) for _, labels in votes if labels]
        labels = set().union(*named) if named else None
        if action == "approve":
            row = [0.0] * len(names)
        else:
            unknown = 0.0 if labels else np.nan
            row = [1.0 if n == primary_label or (labels and n in labels) else unknown for n in names]
        texts.append(text)
        matrix.append(row)
        ids.append(item_id)
    return ReviewedPosts(
        texts=texts,
        labels=np.array(matrix, dtype=np.float64).reshape(len(texts), len(names)),
        label_names=tuple(names),
        item_ids=np.asarray(ids, dtype=np.int64),
    )
