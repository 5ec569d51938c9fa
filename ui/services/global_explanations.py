"""The Explain page's global view: top words over many posts, run in the server's job queue.

:func:`start_global` runs :func:`core.explain.explain_global` as a job of the
server's queue (:mod:`ui.services.jobs`) with a cancel flag: the page shows its
place in line, then polls its progress, a Stop button sets the flag, and a
stopped run keeps the posts it finished. Each finished post goes into the
per-post cache of :mod:`ui.services.explanations`, so a later run (more posts,
or the same after Stop) only explains the posts not seen yet.

No widgets here; :mod:`ui.sections.explain.global_run` draws the run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

import pandas as pd

from core.explain import (
    Attributions,
    ExplainConfig,
    GlobalView,
    PredictFn,
    aggregate_tokens,
    explain_global,
    token_posts,
)
from core.explain.shap_values import POST_COLUMNS, TOKEN_COLUMNS
from core.store.roles import Permission
from ui.services import auth, jobs
from ui.services.explanations import CONFIG, cached_post, remember_post, with_post_id

Source = tuple[str, str, str]
"""``(content hash, text column, model version)`` of the input a global run belongs to."""


@dataclass
class GlobalJob:
    """A global explanation being computed in the worker thread.

    Attributes
    ----------
    source
        The input and model it belongs to.
    rows
        Rows of all chosen posts.
    todo
        Rows the worker explains (those not in the per-post cache).
    todo_texts
        Their texts (kept here: the input may change before the job is picked up).
    reused
        Attributions of the cached posts (post id = row).
    description
        What was chosen, for the page ("the 12 flagged posts").

    """

    source: Source
    rows: list[int]
    todo: list[int]
    todo_texts: list[str]
    reused: Attributions
    description: str
    cancel: threading.Event = field(default_factory=threading.Event)
    future: Future = field(default_factory=Future)
    queued: jobs.Job | None = None
    done: int = 0
    started: float = field(default_factory=time.perf_counter)

    def update(self, done: int, total: int) -> None:
        """Progress callback of :func:`core.explain.explain_global` (runs in the worker thread)."""
        self.done = done

    def stop(self, owner: str | None = None) -> bool:
        """Ask the worker to stop after the post in progress, or drop the run while it waits (Stop's callback).

        ``owner`` (by default the session asking) stops waiting on the run; when other sessions
        joined the queued job it goes on for them (nothing is cancelled, returns False), and only
        the last one waiting stops it (True).
        """
        if self.queued is not None and not self.queued.stop(owner):
            return False
        self.cancel.set()
        return True

    @property
    def fraction(self) -> float:
        """Share of the chosen posts explained so far (cached ones count as done)."""
        total = len(self.rows)
        return (len(self.rows) - len(self.todo) + self.done) / total if total else 1.0

    def progress_text(self) -> str:
        """Progress bar text: posts done of all chosen."""
        done = len(self.rows) - len(self.todo) + self.done
        verb = "Stopping" if self.cancel.is_set() else "Explaining"
        return f"{verb}: {done:,} of {len(self.rows):,} posts explained"

    def wait(self, on_progress: Callable[[], None], poll: float = jobs.POLL_SECONDS) -> GlobalView:
        """Block until the worker is done, calling ``on_progress`` every ``poll`` seconds; re-raises its errors."""
        while True:
            try:
                return self.future.result(timeout=poll)
            except FutureTimeout:
                on_progress()


@dataclass(frozen=True)
class GlobalRun:
    """A finished (or stopped) global explanation, as shown on the page.

    Attributes
    ----------
    source
        Input and model it belongs to; another input or model makes it stale.
    view
        Aggregated words (``view.tokens``) and per-post attributions (post id = row).
    description
        What was chosen.
    n_chosen, n_explained, n_reused
        Posts chosen, explained (fewer after Stop), and of those found in the cache.
    seconds
        Time the run took.

    """

    source: Source
    view: GlobalView
    description: str
    n_chosen: int
    n_explained: int
    n_reused: int
    seconds: float

    @property
    def cancelled(self) -> bool:
        """True when Stop ended the run before every chosen post was explained."""
        return self.n_explained < self.n_chosen


def start_global(
    source: Source,
    texts: Sequence[str],
    rows: Sequence[int],
    predict_fn: PredictFn,
    labels: Sequence[str],
    description: str,
    config: ExplainConfig = CONFIG,
) -> GlobalJob:
    """Explain the posts at ``rows`` in the worker thread; posts already in the cache are reused.

    Parameters
    ----------
    source
        Input and model version (the version also keys the per-post cache).
    texts
        All post texts of the input.
    rows
        Rows of the posts to explain (e.g. from :func:`core.explain.select_posts`).
    predict_fn, labels
        The model's ``predict_proba`` and label names.
    description
        What was chosen, shown with the result.
    config
        Explanation settings.

    """
    auth.require(Permission.EXPLAIN)
    version = source[2]
    reused: list[Attributions] = []
    todo: list[int] = []
    for row in rows:
        hit = cached_post(texts[row], version, config)
        if hit is None:
            todo.append(int(row))
        else:
            reused.append(with_post_id(hit, int(row)))
    job = GlobalJob(
        source=source,
        rows=[int(r) for r in rows],
        todo=todo,
        todo_texts=[texts[row] for row in todo],
        reused=_concat(reused),
        description=description,
    )

    def work(queued: jobs.Job) -> GlobalView:
        return explain_global(
            job.todo_texts,
            predict_fn,
            list(labels),
            post_ids=todo,
            max_posts=None,
            config=config,
            progress=job.update,
            cancel=job.cancel,
        )

    job.queued = jobs.job_queue().submit(work, owner=jobs.session_owner(), kind=jobs.GLOBAL_EXPLANATION, slot="global")
    job.future = job.queued.future
    return job


def finish_global(job: GlobalJob, config: ExplainConfig = CONFIG) -> GlobalRun:
    """The finished job's result, merged with the reused posts; its new posts go into the per-post cache.

    Raises
    ------
    Exception
        Whatever the worker raised (a model failure).

    """
    fresh = job.future.result().attributions
    version = job.source[2]
    texts = dict(zip(job.todo, job.todo_texts, strict=True))
    tokens_by_post = dict(tuple(fresh.tokens.groupby("post_id", sort=False)))
    for post_id, posts in fresh.posts.groupby("post_id", sort=False):
        tokens = tokens_by_post.get(post_id, fresh.tokens.iloc[0:0])
        remember_post(texts[int(post_id)], version, Attributions(tokens=tokens, posts=posts), config)
    merged = _concat([job.reused, fresh])
    n_explained = merged.posts["post_id"].nunique()
    view = GlobalView(
        tokens=aggregate_tokens(merged.tokens),
        attributions=Attributions(tokens=merged.tokens, posts=merged.posts, cancelled=n_explained < len(job.rows)),
    )
    return GlobalRun(
        source=job.source,
        view=view,
        description=job.description,
        n_chosen=len(job.rows),
        n_explained=int(n_explained),
        n_reused=len(job.rows) - len(job.todo),
        seconds=time.perf_counter() - job.started,
    )


def _concat(parts: Sequence[Attributions]) -> Attributions:
    """One :class:`Attributions` of several (empty tables when there are none)."""
    parts = [part for part in parts if len(part.posts)]
    if not parts:
        return Attributions(tokens=pd.DataFrame(columns=TOKEN_COLUMNS), posts=pd.DataFrame(columns=POST_COLUMNS))
    return Attributions(
        tokens=pd.concat([part.tokens for part in parts], ignore_index=True),
        posts=pd.concat([part.posts for part in parts], ignore_index=True),
    )


def post_table(run: GlobalRun, word: str, label: str, tokens: pd.DataFrame | None = None) -> pd.DataFrame:
    """The posts in which ``word`` occurs, for ``label``, strongest push up first.

    Columns ``row``, ``value`` (attribution of its strongest occurrence) and ``times``.
    ``tokens``: the run's token table as shown (redacted), by default as computed.
    """
    occurrences = token_posts(run.view.attributions.tokens if tokens is None else tokens, word, label)
    if occurrences.empty:
        return pd.DataFrame(
            {"row": pd.Series(dtype="int64"), "value": pd.Series(dtype="float64"), "times": pd.Series(dtype="int64")}
        )
    table = occurrences.groupby("post_id", sort=False).agg(value=("value", "max"), times=("value", "size"))
    table = table.sort_values("value", ascending=False, kind="stable").reset_index()
    return table.rename(columns={"post_id": "row"}).astype({"row": "int64"})
