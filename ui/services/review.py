"""The review workspace without widgets: queues, claiming and deciding posts, this session's way back.

Every call passes the session's actor (:mod:`ui.services.auth`) to :mod:`core.store`,
which checks the role again and records decisions and their audit events. What a
session remembers here:

* when each post was first shown (:data:`SHOWN`), so a decision records the time spent;
* the posts this reviewer decided in a queue (:data:`HISTORY`), for Previous / Next,
  rebuilt from the database after a reload.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from core.store import claims, decisions, queues, reasons, stats
from core.store import exports as store_exports
from core.store.claims import ItemView
from core.store.decisions import BulkResult, DecisionInfo, ScoreFilter
from core.store.queues import QueueInfo, QueueRequest, QueueResult
from core.store.reasons import Reason
from core.store.roles import Permission
from core.store.rules import Rule
from core.store.schema import ACTIONS
from ui import state
from ui.services import auth

SHOWN = "modlens.review.shown"
"""Item id -> ``time.monotonic()`` when the post was first shown in this session."""
HISTORY = "modlens.review.history"
"""Queue name -> :class:`Trail` of the posts this reviewer decided there."""
RECENT = 50
"""Decided posts kept for Previous (most recent last)."""
ACTION_NAMES = {"approve": "Approve", "remove": "Remove", "escalate": "Escalate", "skip": "Skip"}


@dataclass(frozen=True)
class Mine:
    """One of the reviewer's own current decisions."""

    item_id: int
    external_id: str
    action: str
    reason: str | None
    decided_at: object


@dataclass(frozen=True)
class Trail:
    """The reviewer's decided posts in a queue (oldest first) and which one is open (None: the claimed post)."""

    decided: tuple[Mine, ...] = ()
    position: int | None = None

    def current(self) -> Mine | None:
        """The decided post shown instead of the claimed one, if any."""
        return None if self.position is None else self.decided[self.position]


# -- queues ------------------------------------------------------------------------------------
def list_queues(batch_id: int | None = None) -> list[QueueInfo]:
    """Every queue (of one batch when given), newest first, with its progress."""
    return queues.list_queues(auth.database(), auth.require(Permission.READ_REVIEW), batch_id=batch_id)


def send_to_review(batch_id: int, name: str, rule: Rule, reviews_required: int = 1) -> QueueResult:
    """Create a queue of the posts of a saved batch that match ``rule`` (recorded as ``queue_create``)."""
    actor = auth.require(Permission.CREATE_QUEUE)
    return queues.create_queue(auth.database(), actor, batch_id, QueueRequest(name.strip(), rule, reviews_required))


# -- one post ----------------------------------------------------------------------------------
def claim(queue: str) -> ItemView | None:
    """The post this reviewer holds in ``queue`` (the same one after a reload), else the next one; None when done."""
    item = claims.claim_next(auth.database(), auth.require(Permission.REVIEW), queue)
    if item is not None:
        mark_shown(item.item_id)
    return item


def item(item_id: int) -> ItemView:
    """One post by its database id."""
    view = claims.get_item(auth.database(), auth.require(Permission.READ_REVIEW), item_id)
    mark_shown(item_id)
    return view


def mark_shown(item_id: int) -> None:
    """Start the clock of a post the first time this session shows it."""
    shown = dict(state.get(SHOWN) or {})
    if item_id not in shown:
        shown[item_id] = time.monotonic()
        state.put(SHOWN, shown)


def seconds_on(item_id: int) -> float | None:
    """Seconds since the post was first shown, or None."""
    started = (state.get(SHOWN) or {}).get(item_id)
    return None if started is None else max(0.0, time.monotonic() - started)


def reasons_for(action: str | None = None) -> list[Reason]:
    """The active reason codes (those for ``action`` when given), in display order."""
    return reasons.list_reasons(auth.database(), action=action)


def decide(queue: str, view: ItemView, action: str, reason: str | None, note: str | None) -> DecisionInfo:
    """Record the reviewer's decision with the time spent; the post joins this session's trail.

    A post this reviewer did not decide before (the claimed one) must still be pending: when the
    lease ran out and another reviewer decided it meanwhile, the decision is refused, not added.

    Raises
    ------
    ModLensError
        A reason that does not fit the action, a post someone else holds or decided meanwhile, a role
        that may not decide.

    """
    actor = auth.require(Permission.REVIEW)
    seconds = seconds_on(view.item_id)
    trail = trail_of(queue)
    again = any(m.item_id == view.item_id for m in trail.decided)  # reopened with Previous: decide it again
    info = decisions.decide(
        auth.database(),
        actor,
        view.item_id,
        action,
        reason=reason,
        note=(note or "").strip() or None,
        seconds=seconds,
        pending_only=not again,
    )
    shown = dict(state.get(SHOWN) or {})
    shown.pop(view.item_id, None)
    state.put(SHOWN, shown)
    mine = Mine(view.item_id, view.external_id, info.action, info.reason, info.decided_at)
    kept = (*(m for m in trail.decided if m.item_id != view.item_id), mine)
    _keep(queue, Trail(kept[-RECENT:], None))
    return info


# -- previous / next ---------------------------------------------------------------------------
def trail_of(queue: str) -> Trail:
    """The reviewer's decided posts in ``queue``: from the session, else from the database (after a reload)."""
    trails: dict[str, Trail] = state.get(HISTORY) or {}
    if queue in trails:
        return trails[queue]
    trail = Trail(tuple(my_decisions(queue)))
    _keep(queue, trail)
    return trail


def _keep(queue: str, trail: Trail) -> None:
    trails = dict(state.get(HISTORY) or {})
    trails[queue] = trail
    state.put(HISTORY, trails)


def step(queue: str, delta: int) -> None:
    """Move through the decided posts: -1 for the previous one, +1 towards the claimed post."""
    trail = trail_of(queue)
    if not trail.decided:
        return
    last = len(trail.decided) - 1
    position = trail.position if trail.position is not None else last + 1
    position = min(max(position + delta, 0), last + 1)
    _keep(queue, Trail(trail.decided, None if position > last else position))


def my_decisions(queue: str, latest: int = RECENT) -> list[Mine]:
    """The reviewer's ``latest`` current decisions in ``queue``, oldest first (for the trail and the recent table).

    Read with the reviewer and the bound in the query: the page asks on every run, and a queue
    may hold a hundred thousand decisions of other reviewers.
    """
    actor = auth.require(Permission.REVIEW)
    mine = store_exports.decision_history(
        auth.database(), actor, queue, reviewer=actor.name, current_only=True, latest=latest
    )
    return [
        Mine(int(r.item_id), str(r.id), str(r.action), None if pd.isna(r.reason) else str(r.reason), r.decided_at)
        for r in mine.itertuples(index=False)
    ]


# -- bulk --------------------------------------------------------------------------------------
def count_matching(queue: str, where: ScoreFilter) -> int:
    """Pending posts of ``queue`` a bulk decision over ``where`` would decide."""
    return decisions.count_matching(auth.database(), auth.require(Permission.REVIEW), queue, where)


def bulk_decide(queue: str, action: str, where: ScoreFilter, reason: str | None, note: str | None) -> BulkResult:
    """Decide every pending post of ``queue`` in the range in one transaction (one decision per post, with the rule)."""
    actor = auth.require(Permission.REVIEW)
    return decisions.bulk_decide(
        auth.database(), actor, queue, action, where, reason=reason, note=(note or "").strip() or None
    )


# -- authors, progress, export ------------------------------------------------------------------
AUTHOR_COUNTS = ("posts", "pending", "approved", "removed", "escalated")


def author_posts(batch_id: int, author: str) -> stats.AuthorPosts:
    """An author's last posts in the batch (scores, status, latest decision) and the counts of all their posts."""
    return stats.author_posts(auth.database(), auth.require(Permission.READ_REVIEW), batch_id, author)


def queue_stats(queue: str) -> stats.QueueStats:
    """Total, pending, decided, escalated, claimed and posts per action."""
    return stats.queue_stats(auth.database(), auth.require(Permission.READ_REVIEW), queue)


def reviewer_progress(queue: str) -> pd.DataFrame:
    """Decisions per reviewer (and rule) by action, with the median seconds per post."""
    return stats.reviewer_progress(auth.database(), auth.require(Permission.READ_REVIEW), queue)


def reviewer_agreement(queue: str) -> pd.DataFrame:
    """Cohen's kappa for each pair of reviewers on the posts both decided."""
    return stats.reviewer_agreement(auth.database(), auth.require(Permission.READ_REVIEW), queue)


def model_agreement(queue: str) -> pd.DataFrame:
    """Precision and recall of the model's flag against the reviewers' remove / approve decisions."""
    return stats.model_agreement(auth.database(), auth.require(Permission.READ_REVIEW), queue)


def decisions_table(queue: str) -> pd.DataFrame:
    """One row per post with its latest decision: the export's table."""
    return decisions_reader(queue)()


def decisions_reader(queue: str) -> Callable[[], pd.DataFrame]:
    """A function that reads :func:`decisions_table` when called, as the session's actor checked now.

    For a download button's ``data``: Streamlit calls it when the button is clicked, outside the
    script run, where the session (who is signed in) cannot be read. So the actor is taken here,
    during the run; the store checks that account against the users table again when it reads.

    Raises
    ------
    PermissionDenied
        When nobody is signed in or the actor may not read review decisions.

    """
    db = auth.database()
    actor = auth.require(Permission.READ_REVIEW)
    return functools.partial(store_exports.decisions_frame, db, actor, queue)


def status_counts(summary: stats.QueueStats) -> pd.DataFrame:
    """Posts by outcome (``status`` and ``posts`` columns): each action of decided posts, then pending.

    Counts each post once: a pending post with a first review (of two required) or a skip is pending.
    """
    done = {action: summary.done_by_action.get(action, 0) for action in ACTIONS if action != "skip"}
    rows = [*done.items(), ("pending", summary.pending)]
    return pd.DataFrame(rows, columns=["status", "posts"])
