"""One post's explanation as a job of the server's queue: its attributions, faithfulness and occlusion at once.

The Explain page needs three computations per post (:mod:`ui.services.explanations`,
each cached per text, model version and settings). They are one job
(:mod:`ui.services.jobs`), so that an analyst waits in line once per post, and a
post explained before is answered from the caches without queueing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from core.explain import Attributions, PredictFn
from core.store.roles import Permission
from ui.services import auth, explanations, jobs


@dataclass(frozen=True)
class ExplainedPost:
    """One post's attributions; with ``full``, its faithfulness summary and occlusion table too.

    ``occlusion`` is None for very long posts (and without ``full``); ``faithfulness``
    is None without ``full``.
    """

    attributions: Attributions
    faithfulness: pd.DataFrame | None = None
    occlusion: pd.DataFrame | None = None


def cached_explained(text: str, version: str, labels: Sequence[str], *, full: bool = True) -> ExplainedPost | None:
    """The post's explanation when every part of it is cached; None otherwise. The session must be allowed to explain.

    A cached explanation is answered without queueing a job, so the role is checked here too.
    """
    auth.require(Permission.EXPLAIN)
    labels = tuple(labels)
    attributions = explanations.cached_post(text, version)
    if attributions is None:
        return None
    if not full:
        return ExplainedPost(attributions)
    faithfulness = explanations.cached_faithfulness(text, version, explanations.settings_key(), labels)
    found, occlusion = (
        explanations.cached_occlusion(text, version, labels) if len(attributions.tokens) else (True, None)
    )
    if faithfulness is None or not found:
        return None
    return ExplainedPost(attributions, faithfulness, occlusion)


def explain_now(
    text: str, predict_fn: PredictFn, labels: Sequence[str], version: str, *, full: bool = True
) -> ExplainedPost:
    """Compute (or read from the caches) the post's explanation, in the calling thread (no role check).

    Runs in a job's worker thread: :func:`start_explaining` checks the session's role when it queues the job.
    """
    labels = tuple(labels)
    attributions = explanations.attributions_of(text, predict_fn, labels, version)
    if not full:
        return ExplainedPost(attributions)
    settings = explanations.settings_key()
    faithfulness = explanations.faithfulness_summary(text, version, settings, labels, predict_fn, attributions)
    occlusion = None
    if len(attributions.tokens):
        occlusion = explanations.occlusion_table(text, version, labels, predict_fn)
    return ExplainedPost(attributions, faithfulness, occlusion)


def start_explaining(
    text: str, predict_fn: PredictFn, labels: Sequence[str], version: str, *, full: bool = True, slot: str = "post"
) -> jobs.Job:
    """Queue the post's explanation (or join the job already doing it); its result is an :class:`ExplainedPost`.

    ``slot``: a newer job of the session in the same slot replaces this one while it waits.
    The session must be allowed to explain.
    """
    auth.require(Permission.EXPLAIN)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    key = ("explain", digest, version, explanations.settings_key(), tuple(labels), full)

    def work(job: jobs.Job) -> ExplainedPost:
        return explain_now(text, predict_fn, labels, version, full=full)

    return jobs.job_queue().submit(work, owner=jobs.session_owner(), kind=jobs.EXPLANATION, key=key, slot=slot)
