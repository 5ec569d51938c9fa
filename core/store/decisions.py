"""Recording decisions: one post at a time, or in bulk over a score range, append-only.

Every decision is a new row. A reviewer who decides a post again supersedes their
own earlier decision (it keeps ``is_current = False``); nothing else ever changes.
A post is done when ``reviews_required`` different reviewers (or a rule) have made a
current decision other than *skip*; it is then ``decided``, or ``escalated`` when the
latest such decision escalates it. A bulk decision is one transaction (all posts or
none) and writes one decision per post with the rule that made it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.orm import Session

from core.errors import ModLensError
from core.store.access import authorize
from core.store.audit import add_event
from core.store.claims import lease_holder
from core.store.db import Database
from core.store.queues import queue_by_name
from core.store.reasons import check_reason
from core.store.roles import Actor, Permission
from core.store.schema import ACTIONS, Batch, Decision, Item, Queue, utcnow
from core.store.text import storable

MAX_NOTE = 5_000
CHUNK = 5_000


@dataclass(frozen=True)
class DecisionInfo:
    """A recorded decision and the post's status after it."""

    id: int
    item_id: int
    reviewer: str
    action: str
    reason: str | None
    decided_at: datetime
    status: str


def _bound(value: float | None) -> str:
    """A score bound as the rule text names it: every digit that matters (not 6, as ``:g`` keeps), no ``-0``."""
    return f"{float(value or 0.0) + 0.0:.12g}"


@dataclass(frozen=True)
class ScoreFilter:
    """Posts whose ``score_<label>`` lies in ``[min_score, max_score]`` (either end open when None)."""

    label: str
    min_score: float | None = None
    max_score: float | None = None

    def describe(self) -> str:
        """The rule text stored with each decision, e.g. ``score_toxic <= 0.05`` (bounds to 12 digits)."""
        column = f"score_{self.label}"
        if self.min_score is not None and self.max_score is not None:
            return f"{_bound(self.min_score)} <= {column} <= {_bound(self.max_score)}"
        if self.max_score is not None:
            return f"{column} <= {_bound(self.max_score)}"
        return f"{column} >= {_bound(self.min_score)}"

    def check(self) -> None:
        """Raise a helpful error for an empty or out-of-range filter."""
        bounds = [b for b in (self.min_score, self.max_score) if b is not None]
        if not bounds:
            raise ModLensError("A bulk decision needs a score bound: give a minimum or a maximum score.")
        if any(not (math.isfinite(b) and 0.0 <= b <= 1.0) for b in bounds):
            raise ModLensError(f"Score bounds must be between 0 and 1, got {', '.join(map(str, bounds))}.")


@dataclass(frozen=True)
class BulkResult:
    """What a bulk decision did: how many posts it decided, and how many it left because someone held them."""

    queue: str
    action: str
    rule_text: str
    decided: int
    skipped_claimed: int


def _check_action(action: str, note: str | None, seconds: float | None) -> None:
    if action not in ACTIONS:
        raise ModLensError(f"Unknown action '{action}'. Actions are: {', '.join(ACTIONS)}.")
    if note is not None and len(note) > MAX_NOTE:
        raise ModLensError(f"The note is too long ({len(note)} characters); keep it under {MAX_NOTE}.")
    if seconds is not None and not (math.isfinite(seconds) and seconds >= 0):
        raise ModLensError(f"Seconds spent must be a number >= 0, got {seconds}.")


def _check_labels(labels: Sequence[str] | None, batch: Batch) -> list[str] | None:
    if labels is None:
        return None
    unknown = set(labels) - set(batch.labels)
    if unknown:
        raise ModLensError(f"Unknown label(s) {', '.join(sorted(unknown))}; labels are {', '.join(batch.labels)}.")
    return list(dict.fromkeys(labels))


def refresh_status(session: Session, item_ids: Sequence[int], required: int) -> None:
    """Set ``items.status`` from the current decisions (see the module docstring)."""
    for start in range(0, len(item_ids), CHUNK):
        part = list(item_ids[start : start + CHUNK])
        counted = select(Decision.item_id, func.count().label("n"), func.max(Decision.id).label("last")).where(
            Decision.item_id.in_(part), Decision.is_current, Decision.action != "skip"
        )
        rows = session.execute(counted.group_by(Decision.item_id)).all()
        done = {r.item_id: r.last for r in rows if r.n >= required}
        last_actions = dict(
            session.execute(select(Decision.id, Decision.action).where(Decision.id.in_(list(done.values())))).all()
        )
        by_status: dict[str, list[int]] = {"pending": [], "decided": [], "escalated": []}
        for item_id in part:
            if item_id not in done:
                by_status["pending"].append(item_id)
            else:
                escalated = last_actions[done[item_id]] == "escalate"
                by_status["escalated" if escalated else "decided"].append(item_id)
        for status, ids in by_status.items():
            if ids:
                session.execute(update(Item).where(Item.id.in_(ids)).values(status=status))


def decide(
    db: Database,
    actor: Actor,
    item_id: int,
    action: str,
    *,
    reason: str | None = None,
    note: str | None = None,
    labels: Sequence[str] | None = None,
    seconds: float | None = None,
    pending_only: bool = False,
) -> DecisionInfo:
    """Record ``actor``'s decision on one post and release their claim; records ``decision``.

    ``labels`` names the model labels that apply (e.g. ``["toxic", "hate"]`` for a removal);
    ``seconds`` is the time spent on the post. ``pending_only`` refuses a post that is no
    longer pending: a reviewer deciding the post they were given, on a screen left open past
    the lease, must not overrule the reviewer who took it and decided it meanwhile.
    """
    _check_action(action, note, seconds)
    note = storable(note) if note else None  # PostgreSQL refuses NUL: kept as U+FFFD
    with db.write() as session:
        me = authorize(session, actor, Permission.REVIEW).name
        item = session.get(Item, item_id, with_for_update=db.is_postgresql)
        if item is None:
            raise ModLensError(f"Post {item_id} does not exist.")
        if item.queue_id is None:
            raise ModLensError(f"Post {item_id} is not in a review queue. Send it to review first.")
        now = utcnow()
        holder = lease_holder(item, now)
        if holder is not None and holder != me:
            raise ModLensError(f"Post {item_id} is being reviewed by {holder}. Take the next post instead.")
        if pending_only and item.status != "pending":
            _refuse_done(session, item)
        queue = session.get(Queue, item.queue_id)
        batch = session.get(Batch, item.batch_id)
        assert queue is not None and batch is not None
        check_reason(session, reason, action)
        chosen = _check_labels(labels, batch)
        before = {"status": item.status}
        session.execute(
            update(Decision)
            .where(Decision.item_id == item_id, Decision.reviewer == me, Decision.is_current)
            .values(is_current=False)
        )
        decision = Decision(
            item_id=item_id,
            reviewer=me,
            action=action,
            reason=reason,
            note=note or None,
            labels=chosen,
            source="person",
            rule_text=None,
            decided_at=now,
            seconds_spent=seconds,
            is_current=True,
            model_version=batch.model_version,
        )
        session.add(decision)
        item.claimed_by = None
        item.lease_expires_at = None
        session.flush()
        refresh_status(session, [item_id], queue.reviews_required)
        status = session.scalar(select(Item.status).where(Item.id == item_id))
        assert status is not None
        add_event(
            session,
            me,
            "decision",
            "item",
            item_id,
            before=before,
            after={"action": action, "reason": reason, "status": status, "decision_id": decision.id},
        )
        return DecisionInfo(decision.id, item_id, me, action, reason, now, status)


def _refuse_done(session: Session, item: Item) -> None:
    """Raise: ``item`` was decided (by whom) while the reviewer still had it on screen."""
    last = session.scalar(
        select(Decision.reviewer)
        .where(Decision.item_id == item.id, Decision.is_current, Decision.action != "skip")
        .order_by(Decision.id.desc())
        .limit(1)
    )
    by = f" by {last}" if last else ""
    raise ModLensError(
        f"Post {item.external_id} was {item.status}{by} in the meantime, so your decision was not recorded. "
        "Take the next post (or open it with Previous to decide it again)."
    )


def _in_range(row: Queue, where: ScoreFilter) -> Select:
    """Pending posts of queue ``row`` whose score lies in ``where`` (id, holder, lease expiry)."""
    score = Item.scores[where.label].as_float()
    query = select(Item.id, Item.claimed_by, Item.lease_expires_at).where(
        Item.queue_id == row.id, Item.status == "pending"
    )
    if where.min_score is not None:
        query = query.where(score >= where.min_score)
    if where.max_score is not None:
        query = query.where(score <= where.max_score)
    return query


def _check_label(batch: Batch, where: ScoreFilter) -> None:
    if where.label not in batch.labels:
        raise ModLensError(f"Label '{where.label}' is not a label of this queue. Labels: {', '.join(batch.labels)}.")


def count_matching(db: Database, actor: Actor, queue: str, where: ScoreFilter) -> int:
    """How many pending posts of ``queue`` a bulk decision over ``where`` would take (for a confirmation)."""
    where.check()
    with db.read() as session:
        authorize(session, actor, Permission.REVIEW)
        row = queue_by_name(session, queue)
        batch = session.get(Batch, row.batch_id)
        assert batch is not None
        _check_label(batch, where)
        return int(session.scalar(select(func.count()).select_from(_in_range(row, where).subquery())) or 0)


def bulk_decide(
    db: Database,
    actor: Actor,
    queue: str,
    action: str,
    where: ScoreFilter,
    *,
    reason: str | None = None,
    note: str | None = None,
) -> BulkResult:
    """Decide every pending post of ``queue`` in the score range, in one transaction; records ``bulk_decision``.

    Posts someone else holds a live lease on are left alone (counted in ``skipped_claimed``).
    A bulk *skip* passes only over posts the actor has not reviewed yet: it never replaces
    the actor's own review of a post (a first of two reviews is still pending).
    """
    _check_action(action, note, None)
    note = storable(note) if note else None
    where.check()
    with db.write() as session:
        me = authorize(session, actor, Permission.REVIEW).name
        row = queue_by_name(session, queue)
        batch = session.get(Batch, row.batch_id)
        assert batch is not None
        _check_label(batch, where)
        check_reason(session, reason, action)
        query = _in_range(row, where)
        if db.is_postgresql:
            query = query.with_for_update(skip_locked=True)
        now = utcnow()
        rows = session.execute(query.order_by(Item.id)).all()
        ids = [r.id for r in rows if not (r.claimed_by and r.claimed_by != me and r.lease_expires_at > now)]
        if action == "skip":  # a skip decides nothing: it must not withdraw the actor's own reviews
            reviewed = set(
                session.scalars(
                    select(Decision.item_id)
                    .join(Item, Item.id == Decision.item_id)
                    .where(Item.queue_id == row.id, Decision.reviewer == me, Decision.is_current)
                )
            )
            ids = [item_id for item_id in ids if item_id not in reviewed]
        rule_text = where.describe()
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            session.execute(
                update(Decision)
                .where(Decision.item_id.in_(part), Decision.reviewer == me, Decision.is_current)
                .values(is_current=False)
            )
            session.execute(update(Item).where(Item.id.in_(part)).values(claimed_by=None, lease_expires_at=None))
            session.execute(
                insert(Decision),
                [
                    {
                        "item_id": item_id,
                        "reviewer": me,
                        "action": action,
                        "reason": reason,
                        "note": note or None,
                        "labels": None,
                        "source": "rule",
                        "rule_text": rule_text,
                        "decided_at": now,
                        "seconds_spent": None,
                        "is_current": True,
                        "model_version": batch.model_version,
                    }
                    for item_id in part
                ],
            )
        refresh_status(session, ids, row.reviews_required)
        result = BulkResult(queue, action, rule_text, len(ids), len(rows) - len(ids))
        add_event(
            session,
            me,
            "bulk_decision",
            "queue",
            row.id,
            after={"queue": queue, "action": action, "reason": reason, "rule": rule_text, "decided": len(ids)},
        )
        return result
