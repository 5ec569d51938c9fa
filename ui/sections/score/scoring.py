"""The Score page's scoring: new posts are scored with a progress bar and become the session's result."""

from __future__ import annotations

from core.io.posts import Posts
from core.scoring import Scorer
from ui import state
from ui.components.scoring_progress import score_with_progress
from ui.sections.score import input as score_input
from ui.sections.score import numbering, table, truth
from ui.services import session
from ui.services.models import ModelRef

PENDING = "modlens.pending_score"
"""Posts being scored; kept so that leaving the page and coming back picks up the job."""


def accept(posts: Posts) -> None:
    """New posts to score: forget the previous input's column picker, problem, selection, filters and label pickers."""
    score_input.forget_input()
    table.forget_widgets()
    truth.forget_widgets()
    numbering.forget_widgets()
    session.forget_opened_row()
    state.put(PENDING, posts)


def forget_pending() -> None:
    """Drop the posts waiting to be scored (another result was chosen): their job's scores replace nothing.

    The job itself still finishes and fills the score cache, so scoring the same posts
    again later is quick.
    """
    state.pop(PENDING)


def scoring_section(model: Scorer, ref: ModelRef) -> None:
    """Score the pending posts (if any) with a progress bar; the result becomes the session's last result.

    While the job waits in line the posts stay pending (the page shows their place).
    """
    posts: Posts | None = state.get(PENDING)
    if posts is None:
        return
    failed: list[str] = []

    def fail(message: str) -> None:
        failed.append(message)
        score_input.set_error(message)

    result = score_with_progress(model, posts, on_error=fail, ref=ref)
    if result is None and not failed:  # waiting in line: its place is shown, the page reruns when it starts
        return
    state.pop(PENDING)
    if result is not None:
        session.keep_result(result)
