"""Scoring posts with a progress bar: follows the queued job and turns failures into a message."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import CancelledError

from core.errors import ModLensError
from core.io.posts import Posts
from core.scoring import Scorer, ScoringProgress
from ui.components.job_progress import follow
from ui.services import failures, languages
from ui.services.jobs import Job
from ui.services.languages import DetectionProgress
from ui.services.models import ModelRef
from ui.services.results import ScoredPosts
from ui.services.scoring import cached_scores, progress_text, score_key, scored_posts, start_scoring

log = logging.getLogger("modlens.ui")


def _progress(job: Job) -> tuple[float, str] | None:
    event = job.progress
    if isinstance(event, ScoringProgress) and event.total:
        return event.done / event.total, progress_text(event)
    if isinstance(event, DetectionProgress) and event.total:
        return event.done / event.total, languages.progress_text(event)
    return None


def score_with_progress(
    model: Scorer, posts: Posts, *, on_error: Callable[[str], None], ref: ModelRef | None = None
) -> ScoredPosts | None:
    """The posts scored by ``model`` (``ref`` names it; cached per content and model version), with progress.

    None while the job waits in line (its place is shown; the page reruns when it
    starts) and after a problem, which is handed to ``on_error`` as a message (a
    model failure is logged with its traceback), so that it is not retried on every
    rerun. Cached scores come back at once, without queueing.
    """
    started = time.perf_counter()
    scored = cached_scores(score_key(model, posts.content_hash, posts.text_col, ref))
    detected = languages.cached_languages(posts.content_hash, posts.text_col)
    if scored is None or detected is None:
        try:
            job = start_scoring(model, posts.content_hash, posts.text_col, posts.texts, ref)
            scored = follow(job, what=f"Scoring {len(posts):,} posts...", progress=_progress, key="modlens-wait-score")
        except ModLensError as exc:
            on_error(str(exc))
            return None
        except CancelledError:  # withdrawn by a newer scoring of this session
            on_error("Scoring was cancelled by a newer scoring in this session. Score the posts again.")
            return None
        except Exception as exc:  # the log keeps the traceback
            log.exception("Scoring failed")
            on_error(
                failures.unexpected(
                    "Scoring",
                    exc,
                    step=f"on {len(posts):,} posts",
                    tries="Try again; if the file is large, try a part of it first.",
                )
            )
            return None
    if scored is None:
        return None
    if detected is None:  # dropped from its cache since the job: detect again (about 1 s per 1,000 posts)
        detected = languages.languages_of(posts.content_hash, posts.text_col, posts.texts)
    seconds = time.perf_counter() - started
    return scored_posts(model, posts, scored, seconds=seconds, ref=ref, languages=detected)
