"""Queue progress, per-author view, agreement between reviewers and between the model and reviewers.

All results are tidy DataFrames or small frozen dataclasses; undefined values are
NaN with the ``n`` they rest on, never an error.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from core.errors import ModLensError
from core.store.access import authorize
from core.store.db import Database
from core.store.outcomes import item_outcomes
from core.store.queues import queue_by_name
from core.store.roles import Actor, Permission
from core.store.schema import ACTIONS, Batch, Decision, Item, utcnow

PROGRESS_COLUMNS = ("reviewer", "source", "decisions", *ACTIONS, "median_seconds")
AGREEMENT_COLUMNS = ("reviewer_a", "reviewer_b", "n", "agreement", "kappa")
MODEL_COLUMNS = ("label", "threshold", "n", "flagged", "removed", "tp", "fp", "fn", "tn", "precision", "recall")
NOT_QUEUED = "not queued"
"""Status :func:`author_posts` gives a post of the batch that is in no review queue."""
AUTHOR_COLUMNS = ("author", "posts", "flagged", "pending", "approved", "removed", "escalated")


@dataclass(frozen=True)
class QueueStats:
    """Counts of one queue.

    ``by_action`` counts posts by their latest decision, pending ones too (a skip, or the
    first of two required reviews); ``done_by_action`` counts only the posts that are done,
    by the action that decided them (its values add up to ``decided``).
    """

    queue: str
    total: int
    pending: int
    decided: int
    escalated: int
    claimed: int
    by_action: dict[str, int] = field(default_factory=dict)
    rule: str = ""
    reviews_required: int = 1
    done_by_action: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The ``review stats --json`` document."""
        return asdict(self)


def _load(db: Database, actor: Actor, queue: str) -> tuple[pd.DataFrame, Batch]:
    with db.read() as session:
        authorize(session, actor, Permission.READ_REVIEW)
        row = queue_by_name(session, queue)
        batch = session.get(Batch, row.batch_id)
        assert batch is not None
        return item_outcomes(session, batch, Item.queue_id == row.id, with_text=False), batch


def queue_stats(db: Database, actor: Actor, queue: str) -> QueueStats:
    """Total, pending, done (``decided``, which includes ``escalated``), claimed, and posts per action."""
    with db.read() as session:
        authorize(session, actor, Permission.READ_REVIEW)
        row = queue_by_name(session, queue)
        batch = session.get(Batch, row.batch_id)
        assert batch is not None
        table = item_outcomes(session, batch, Item.queue_id == row.id, with_text=False)
        claimed = session.scalar(
            select(func.count())
            .select_from(Item)
            .where(Item.queue_id == row.id, Item.status == "pending", Item.lease_expires_at > utcnow())
        )
    counts = table["action"].value_counts()
    done = table.loc[table["status"] != "pending", "action"].value_counts()
    return QueueStats(
        queue=queue,
        total=len(table),
        pending=int((table["status"] == "pending").sum()),
        decided=int((table["status"] != "pending").sum()),
        escalated=int((table["status"] == "escalated").sum()),
        claimed=int(claimed or 0),
        by_action={action: int(counts.get(action, 0)) for action in ACTIONS},
        rule=row.rule_text,
        reviews_required=row.reviews_required,
        done_by_action={action: int(done.get(action, 0)) for action in ACTIONS if action != "skip"},
    )


def reviewer_progress(db: Database, actor: Actor, queue: str) -> pd.DataFrame:
    """Per reviewer (and source person/rule): current decisions, by action, median seconds per post."""
    with db.read() as session:
        authorize(session, actor, Permission.READ_REVIEW)
        row = queue_by_name(session, queue)
        rows = session.execute(
            select(Decision.reviewer, Decision.source, Decision.action, Decision.seconds_spent)
            .join(Item, Item.id == Decision.item_id)
            .where(Item.queue_id == row.id, Decision.is_current)
        ).all()
    frame = pd.DataFrame(rows, columns=["reviewer", "source", "action", "seconds"])
    if frame.empty:
        return pd.DataFrame(columns=list(PROGRESS_COLUMNS))
    out = []
    for (reviewer, source), group in frame.groupby(["reviewer", "source"], sort=True):
        counts = group["action"].value_counts()
        seconds = group["seconds"].dropna()
        out.append(
            {
                "reviewer": reviewer,
                "source": source,
                "decisions": len(group),
                **{a: int(counts.get(a, 0)) for a in ACTIONS},
                "median_seconds": float(seconds.median()) if len(seconds) else np.nan,
            }
        )
    return pd.DataFrame(out, columns=list(PROGRESS_COLUMNS))


def author_counts(db: Database, actor: Actor, queue: str) -> pd.DataFrame:
    """Per author of the queue's batch: posts, flagged (any label), pending, approved, removed, escalated.

    ``pending`` counts the posts waiting in a review queue (not those never sent to review).
    """
    with db.read() as session:
        authorize(session, actor, Permission.READ_REVIEW)
        row = queue_by_name(session, queue)
        batch = session.get(Batch, row.batch_id)
        assert batch is not None
        table = item_outcomes(session, batch, (Item.batch_id == batch.id) & Item.author.is_not(None), with_text=False)
    if table.empty:
        return pd.DataFrame(columns=list(AUTHOR_COLUMNS))
    flagged = np.zeros(len(table), dtype=bool)
    for label, threshold in batch.thresholds.items():
        flagged |= table[f"score_{label}"].to_numpy() >= threshold
    table = table.assign(
        flagged=flagged,
        pending=(table["status"] == "pending") & table["queued"],
        approved=table["action"] == "approve",
        removed=table["action"] == "remove",
        escalated=table["status"] == "escalated",
    )
    grouped = table.groupby("author", sort=False).agg(
        posts=("item_id", "size"),
        flagged=("flagged", "sum"),
        pending=("pending", "sum"),
        approved=("approved", "sum"),
        removed=("removed", "sum"),
        escalated=("escalated", "sum"),
    )
    out = grouped.reset_index().sort_values(["removed", "flagged", "posts"], ascending=False, kind="stable")
    return out[list(AUTHOR_COLUMNS)].astype({c: "int64" for c in AUTHOR_COLUMNS[1:]}).reset_index(drop=True)


MAX_AUTHOR_POSTS = 1_000
"""Most posts :func:`author_posts` returns with their text: a bot's thousands of posts would stall the page."""


@dataclass(frozen=True)
class AuthorPosts:
    """An author's posts in a batch: the last ones with their text, and counts over all of them."""

    posts: pd.DataFrame
    """The author's last posts in file order (at most the limit), as :func:`item_outcomes` gives them."""
    counts: dict[str, int]
    """Over all the author's posts in the batch: ``posts``, ``pending``, ``approved``, ``removed``, ``escalated``."""


def author_posts(db: Database, actor: Actor, batch_id: int, author: str, *, limit: int | None = None) -> AuthorPosts:
    """The posts of ``author`` in a batch (the last ``limit`` in file order), with scores, status, latest decision.

    A post never sent to review has the status ``not queued`` (not ``pending``: nobody will
    review it, and it is not counted as pending). The counts cover every post of the author.
    ``limit`` defaults to :data:`MAX_AUTHOR_POSTS`.
    """
    limit = MAX_AUTHOR_POSTS if limit is None else limit
    with db.read() as session:
        authorize(session, actor, Permission.READ_REVIEW)
        batch = session.get(Batch, batch_id)
        if batch is None:
            raise ModLensError(f"Batch {batch_id} does not exist.")
        where = (Item.batch_id == batch_id) & (Item.author == author)
        table = item_outcomes(session, batch, where, last=limit)
        every = item_outcomes(session, batch, where, with_text=False)
    counts = {
        "posts": len(every),
        "pending": int(((every["status"] == "pending") & every["queued"]).sum()),
        "approved": int((every["action"] == "approve").sum()),
        "removed": int((every["action"] == "remove").sum()),
        "escalated": int((every["status"] == "escalated").sum()),
    }
    return AuthorPosts(posts=table.assign(status=table["status"].where(table["queued"], NOT_QUEUED)), counts=counts)


def reviewer_agreement(db: Database, actor: Actor, queue: str) -> pd.DataFrame:
    """Cohen's kappa for each pair of people who both decided posts (skips left out).

    Columns ``reviewer_a``, ``reviewer_b``, ``n`` (posts both decided), ``agreement``
    (share of equal actions) and ``kappa`` (NaN when undefined, e.g. n < 2 or one action only).
    """
    from sklearn.metrics import cohen_kappa_score

    with db.read() as session:
        authorize(session, actor, Permission.READ_REVIEW)
        row = queue_by_name(session, queue)
        rows = session.execute(
            select(Decision.item_id, Decision.reviewer, Decision.action)
            .join(Item, Item.id == Decision.item_id)
            .where(Item.queue_id == row.id, Decision.is_current, Decision.source == "person", Decision.action != "skip")
        ).all()
    frame = pd.DataFrame(rows, columns=["item_id", "reviewer", "action"])
    wide = frame.pivot_table(index="item_id", columns="reviewer", values="action", aggfunc="last")
    out = []
    for a, b in itertools.combinations(sorted(wide.columns), 2):
        both = wide[[a, b]].dropna()
        if both.empty:
            continue
        agreement = float((both[a] == both[b]).mean())
        kappa = np.nan
        if len(both) >= 2 and len(set(both[a]) | set(both[b])) > 1:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                kappa = float(cohen_kappa_score(both[a], both[b]))
        out.append({"reviewer_a": a, "reviewer_b": b, "n": len(both), "agreement": agreement, "kappa": kappa})
    return pd.DataFrame(out, columns=list(AGREEMENT_COLUMNS))


def model_agreement(db: Database, actor: Actor, queue: str) -> pd.DataFrame:
    """Per label: the model's flag (score >= threshold) against reviewers' remove/approve outcomes.

    ``precision`` = share of flagged posts that were removed; ``recall`` = share of removed
    posts that were flagged; NaN where the denominator is 0. Escalated and skipped posts are left out.
    """
    table, batch = _load(db, actor, queue)
    decided = table[table["action"].isin(["approve", "remove"])]
    removed = (decided["action"] == "remove").to_numpy()
    out = []
    for label in batch.labels:
        threshold = float(batch.thresholds[label])
        flagged = decided[f"score_{label}"].to_numpy() >= threshold
        tp, fp = int((flagged & removed).sum()), int((flagged & ~removed).sum())
        fn, tn = int((~flagged & removed).sum()), int((~flagged & ~removed).sum())
        out.append(
            {
                "label": label,
                "threshold": threshold,
                "n": len(decided),
                "flagged": tp + fp,
                "removed": tp + fn,
                "tp": tp,
                "fp": fp,
                "fn": fn,
                "tn": tn,
                "precision": tp / (tp + fp) if tp + fp else np.nan,
                "recall": tp / (tp + fn) if tp + fn else np.nan,
            }
        )
    return pd.DataFrame(out, columns=list(MODEL_COLUMNS))
