"""Claiming posts to review: a lease per post, so two reviewers never get the same one.

:func:`claim_next` hands out the pending post with the highest priority (then the
oldest) that nobody holds a live lease on and that this reviewer has not decided.
On PostgreSQL the candidate row is locked with ``SELECT ... FOR UPDATE SKIP LOCKED``
(concurrent claimers skip it); on SQLite the write transaction starts with
``BEGIN IMMEDIATE`` so claims are serialised. A lease that expires returns the post
to the queue; a reviewer asking again while holding a live lease gets the same post
back (a reload does not lose it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from core.errors import ModLensError
from core.store.access import authorize
from core.store.db import Database
from core.store.queues import queue_by_name
from core.store.roles import Actor, Permission
from core.store.schema import Batch, Decision, Item, Queue, utcnow

LEASE_SECONDS = 600
"""How long a claimed post stays reserved for its reviewer (10 minutes)."""


@dataclass(frozen=True)
class ItemView:
    """A post as the review page shows it (text exactly as written; render it as text, never as HTML)."""

    item_id: int
    batch_id: int
    queue: str | None
    row_number: int
    external_id: str
    author: str | None
    text: str
    scores: dict[str, float]
    thresholds: dict[str, float]
    status: str
    claimed_by: str | None
    lease_expires_at: datetime | None
    model_version: str


def item_view(session: Session, item: Item) -> ItemView:
    """The :class:`ItemView` of an item row."""
    batch = session.get(Batch, item.batch_id)
    queue = session.get(Queue, item.queue_id) if item.queue_id is not None else None
    assert batch is not None
    return ItemView(
        item_id=item.id,
        batch_id=item.batch_id,
        queue=queue.name if queue else None,
        row_number=item.row_number,
        external_id=item.external_id,
        author=item.author,
        text=item.text,
        scores=dict(item.scores),
        thresholds=dict(batch.thresholds),
        status=item.status,
        claimed_by=item.claimed_by,
        lease_expires_at=item.lease_expires_at,
        model_version=batch.model_version,
    )


def get_item(db: Database, actor: Actor, item_id: int) -> ItemView:
    """One post by its database id."""
    with db.read() as session:
        authorize(session, actor, Permission.READ_REVIEW)
        item = session.get(Item, item_id)
        if item is None:
            raise ModLensError(f"Post {item_id} does not exist.")
        return item_view(session, item)


def find_item(db: Database, actor: Actor, queue: str, external_id: str) -> int:
    """The database id of the post whose file id is ``external_id`` in ``queue``."""
    with db.read() as session:
        authorize(session, actor, Permission.READ_REVIEW)
        row = queue_by_name(session, queue)
        ids = session.scalars(
            select(Item.id).where(Item.queue_id == row.id, Item.external_id == str(external_id)).limit(2)
        ).all()
    if not ids:
        raise ModLensError(f"No post with id '{external_id}' in queue '{queue}'. Check the id (the file's id column).")
    if len(ids) > 1:
        raise ModLensError(f"Several posts have id '{external_id}' in queue '{queue}'; the file's ids are not unique.")
    return ids[0]


def claim_next(db: Database, actor: Actor, queue: str, *, lease_seconds: float = LEASE_SECONDS) -> ItemView | None:
    """Reserve the next post of ``queue`` for ``actor`` for ``lease_seconds``; None when nothing is left."""
    if lease_seconds <= 0:
        raise ModLensError(f"The lease must be positive, got {lease_seconds} seconds.")
    with db.write() as session:
        me = authorize(session, actor, Permission.REVIEW).name
        row = queue_by_name(session, queue)
        now = utcnow()
        held = session.scalars(
            select(Item)
            .where(
                Item.queue_id == row.id,
                Item.status == "pending",
                Item.claimed_by == me,
                Item.lease_expires_at > now,
            )
            .limit(1)  # no ORDER BY: it would steer the planner away from ix_items_claimed
        ).first()
        item = held or session.scalars(_next_free(row.id, me, now, skip_locked=db.is_postgresql)).first()
        if item is None:
            return None
        item.claimed_by = me
        item.lease_expires_at = now + timedelta(seconds=lease_seconds)
        session.flush()
        return item_view(session, item)


def _next_free(queue_id: int, me: str, now: datetime, *, skip_locked: bool) -> Select[tuple[Item]]:
    decided_by_me = exists().where(Decision.item_id == Item.id, Decision.reviewer == me, Decision.is_current)
    query = (
        select(Item)
        .where(
            Item.queue_id == queue_id,
            Item.status == "pending",
            or_(Item.claimed_by.is_(None), Item.lease_expires_at <= now),
            ~decided_by_me,
        )
        .order_by(Item.priority.desc(), Item.id)
        .limit(1)
    )
    return query.with_for_update(skip_locked=True, of=Item) if skip_locked else query


def release(db: Database, actor: Actor, item_id: int) -> None:
    """Give a claimed post back to the queue (only its holder can)."""
    with db.write() as session:
        me = authorize(session, actor, Permission.REVIEW).name
        item = session.get(Item, item_id, with_for_update=db.is_postgresql)
        if item is None:
            raise ModLensError(f"Post {item_id} does not exist.")
        if item.claimed_by == me:
            item.claimed_by = None
            item.lease_expires_at = None


def lease_holder(item: Item, now: datetime) -> str | None:
    """Who holds a live lease on ``item`` (None when free or expired)."""
    if item.claimed_by and item.lease_expires_at and item.lease_expires_at > now:
        return item.claimed_by
    return None
