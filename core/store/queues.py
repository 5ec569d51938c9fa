"""Review queues: built from a batch and a rule (see :mod:`core.store.rules`), listed, looked up by name.

A post belongs to at most one queue: a second queue over the same batch takes only
the matching posts that are not queued yet (the result says how many were already).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import and_, bindparam, case, func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import ModLensError
from core.store.access import authorize
from core.store.audit import add_event
from core.store.db import Database
from core.store.lookup import get_batch
from core.store.roles import Actor, Permission
from core.store.rules import Rule, check_rule, needs_text, rule_to_json
from core.store.schema import Batch, Item, Queue, utcnow

NAME_PATTERN = re.compile(r"^[^\x00-\x1f\x7f]{1,100}$")


@dataclass(frozen=True)
class QueueRequest:
    """A queue to create: its name, the rule that selects posts, and how many people review each post."""

    name: str
    rule: Rule
    reviews_required: int = 1


@dataclass(frozen=True)
class QueueResult:
    """A created queue: how many posts it got and how many matching posts were already in another queue."""

    id: int
    name: str
    batch_id: int
    rule_text: str
    size: int
    already_queued: int = 0


@dataclass(frozen=True)
class QueueInfo:
    """A queue as listed, with its progress."""

    id: int
    name: str
    batch_id: int
    file_name: str
    rule_text: str
    reviews_required: int
    created_by: str
    created_at: datetime
    total: int
    pending: int
    done: int
    labels: tuple[str, ...] = ()
    """The batch's labels (what bulk decisions and the model agreement can use)."""


def queue_by_name(session: Session, name: str) -> Queue:
    """The queue called ``name``, or an error listing the queues."""
    queue = session.scalar(select(Queue).where(Queue.name == name))
    if queue is None:
        names = session.scalars(select(Queue.name).order_by(Queue.name).limit(20)).all()
        known = ", ".join(names) if names else "none yet"
        raise ModLensError(f"Queue '{name}' does not exist. Queues: {known}.")
    return queue


def _check_name(session: Session, name: str) -> None:
    if not NAME_PATTERN.match(name) or name != name.strip():
        raise ModLensError("A queue name needs 1 to 100 printable characters, without spaces around it.")
    if session.scalar(select(Queue.id).where(Queue.name == name)) is not None:
        raise ModLensError(f"Queue '{name}' exists already. Choose another name.")


def check_queue_name(db: Database, name: str) -> None:
    """Raise a helpful error if ``name`` is taken or invalid (to fail before scoring; creation checks again)."""
    with db.read() as session:
        _check_name(session, name)


def _check_request(session: Session, request: QueueRequest, batch: Batch) -> None:
    if not 1 <= request.reviews_required <= 5:
        raise ModLensError(f"reviews_required must be between 1 and 5, got {request.reviews_required}.")
    check_rule(request.rule, batch.labels)
    _check_name(session, request.name)


def add_queue(
    session: Session, actor: Actor, batch: Batch, request: QueueRequest, view: pd.DataFrame
) -> tuple[QueueResult, np.ndarray, np.ndarray]:
    """Create the queue row for ``batch`` and evaluate the rule on ``view`` (``text``, ``score_<label>``).

    Returns the result, the mask of matching rows and their priorities; the caller
    assigns the rows (inside the same transaction). Records ``queue_create``.
    """
    _check_request(session, request, batch)
    rule_text = request.rule.describe(batch.thresholds)
    mask, priority = request.rule.select(view, batch.thresholds)
    queue = Queue(
        name=request.name,
        batch_id=batch.id,
        rule=rule_to_json(request.rule),
        rule_text=rule_text,
        reviews_required=request.reviews_required,
        created_by=actor.name,
        created_at=utcnow(),
    )
    session.add(queue)
    try:
        session.flush()
    except IntegrityError as exc:  # PostgreSQL: another transaction created this name since the check above
        if "uq_queues_name" not in str(exc.orig):
            raise
        raise ModLensError(
            f"Queue '{request.name}' exists already (someone created it at the same moment); nothing was saved. "
            "Choose another name."
        ) from exc
    result = QueueResult(id=queue.id, name=queue.name, batch_id=batch.id, rule_text=rule_text, size=int(mask.sum()))
    add_event(
        session,
        actor,
        "queue_create",
        "queue",
        queue.id,
        after={"name": queue.name, "batch_id": batch.id, "rule": rule_text, "size": result.size},
    )
    return result, mask, priority


def create_queue(db: Database, actor: Actor, batch_id: int, request: QueueRequest) -> QueueResult:
    """Send the posts of a saved batch that match ``request.rule`` to a new queue (one transaction)."""
    with db.write() as session:
        authorize(session, actor, Permission.CREATE_QUEUE)
        batch = get_batch(session, batch_id)
        text = Item.text if needs_text(request.rule) else literal("").label("text")
        rows = session.execute(
            select(Item.id, text, Item.scores, Item.queue_id).where(Item.batch_id == batch_id).order_by(Item.row_number)
        ).all()
        view = pd.DataFrame(
            {"text": [r.text for r in rows], **{f"score_{lb}": [r.scores[lb] for r in rows] for lb in batch.labels}}
        )
        result, mask, priority = add_queue(session, actor, batch, request, view)
        free = np.array([r.queue_id is None for r in rows], dtype=bool)
        chosen = np.flatnonzero(mask & free)
        ids = [rows[i].id for i in chosen]
        items = Item.__table__
        assign = (
            update(items)
            .where(items.c.id == bindparam("b_id"), items.c.queue_id.is_(None))
            .values(queue_id=result.id, priority=bindparam("b_priority"))
        )
        if len(chosen):
            session.connection().execute(
                assign, [{"b_id": rows[i].id, "b_priority": float(priority[i])} for i in chosen]
            )
        taken = session.scalar(select(func.count()).select_from(Item).where(Item.queue_id == result.id)) or 0
        if taken != len(ids):
            raise ModLensError("Another queue took some of these posts at the same time. Create the queue again.")
        made = QueueResult(
            id=result.id,
            name=result.name,
            batch_id=batch_id,
            rule_text=result.rule_text,
            size=int(taken),
            already_queued=int((mask & ~free).sum()),
        )
    db.refresh_statistics()
    return made


def list_queues(db: Database, actor: Actor, *, batch_id: int | None = None) -> list[QueueInfo]:
    """Every queue (of one batch when given), newest first, with total / pending / done counts."""
    counts = (
        select(
            Item.queue_id,
            func.count().label("total"),
            func.sum(case((Item.status == "pending", 1), else_=0)).label("pending"),
        )
        .where(Item.queue_id.is_not(None))
        .group_by(Item.queue_id)
        .subquery()
    )
    query = (
        select(Queue, Batch.file_name, Batch.labels, counts.c.total, counts.c.pending)
        .join(Batch, Batch.id == Queue.batch_id)
        .outerjoin(counts, and_(counts.c.queue_id == Queue.id))
        .order_by(Queue.id.desc())
    )
    if batch_id is not None:
        query = query.where(Queue.batch_id == batch_id)
    with db.read() as session:
        authorize(session, actor, Permission.READ_REVIEW)
        out = []
        for queue, file_name, labels, total, pending in session.execute(query):
            total, pending = int(total or 0), int(pending or 0)
            out.append(
                QueueInfo(
                    id=queue.id,
                    name=queue.name,
                    batch_id=queue.batch_id,
                    file_name=file_name,
                    rule_text=queue.rule_text,
                    reviews_required=queue.reviews_required,
                    created_by=queue.created_by,
                    created_at=queue.created_at,
                    total=total,
                    pending=pending,
                    done=total - pending,
                    labels=tuple(labels),
                )
            )
        return out
