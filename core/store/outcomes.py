"""The table behind stats and exports: one row per post with its latest current decision."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session

from core.store.schema import Batch, Decision, Item

OUTCOME_COLUMNS = ("status", "action", "reason", "note", "reviewer", "decided_at", "model_version")


def item_outcomes(
    session: Session, batch: Batch, where: ColumnElement[bool], *, with_text: bool = True, last: int | None = None
) -> pd.DataFrame:
    """Posts matching ``where`` (in file order) with their scores and latest current decision.

    The latest current decision other than *skip* wins; a post only skipped shows the skip.

    Columns: ``item_id``, ``id`` (the file's id), ``author``, ``text``, ``score_<label>``...,
    ``status``, ``action``, ``reason``, ``note``, ``reviewer``, ``decided_at``, ``model_version``,
    ``source``, ``rule_text``, ``reviews`` (number of current decisions), ``queued`` (whether the
    post is in a review queue: a post that is not stays ``pending`` for ever). ``action`` and the
    decision columns are empty while undecided; ``model_version`` is then the batch's.
    ``with_text=False`` leaves ``text`` empty (counting does not need it; large queues load faster).
    ``last`` keeps only the last ``last`` matching posts in file order (the limit is applied in SQL).
    """
    latest = (
        select(
            Decision.item_id,
            func.coalesce(func.max(case((Decision.action != "skip", Decision.id))), func.max(Decision.id)).label(
                "last"
            ),
            func.count().label("reviews"),
        )
        .where(Decision.is_current)
        .group_by(Decision.item_id)
        .subquery()
    )
    query = (
        select(
            Item.id,
            Item.external_id,
            Item.author,
            Item.text if with_text else literal("").label("text"),
            Item.scores,
            Item.status,
            Item.queue_id,
            Decision.action,
            Decision.reason,
            Decision.note,
            Decision.reviewer,
            Decision.decided_at,
            Decision.model_version,
            Decision.source,
            Decision.rule_text,
            latest.c.reviews,
        )
        .outerjoin(latest, latest.c.item_id == Item.id)
        .outerjoin(Decision, and_(Decision.id == latest.c.last))
        .where(where)
    )
    if last is None:
        rows = session.execute(query.order_by(Item.row_number)).all()
    else:
        rows = session.execute(query.order_by(Item.row_number.desc()).limit(last)).all()[::-1]
    labels = list(batch.labels)
    frame = pd.DataFrame(
        {
            "item_id": pd.array([r.id for r in rows], dtype="int64"),
            "id": [r.external_id for r in rows],
            "author": [r.author for r in rows],
            "text": [r.text for r in rows],
            **{f"score_{lb}": pd.array([r.scores[lb] for r in rows], dtype="float64") for lb in labels},
            "status": [r.status for r in rows],
            "action": [r.action for r in rows],
            "reason": [r.reason for r in rows],
            "note": [r.note for r in rows],
            "reviewer": [r.reviewer for r in rows],
            "decided_at": pd.to_datetime([r.decided_at for r in rows], utc=True),
            "model_version": [r.model_version or batch.model_version for r in rows],
            "source": [r.source for r in rows],
            "rule_text": [r.rule_text for r in rows],
            "reviews": pd.array([r.reviews or 0 for r in rows], dtype="int64"),
            "queued": pd.array([r.queue_id is not None for r in rows], dtype="bool"),
        }
    )
    return frame
