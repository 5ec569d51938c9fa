"""Following a job of the server's queue on a page: its place in line while it waits, its progress while it runs.

A page asks for heavy work (:mod:`ui.services.jobs`) and then calls :func:`follow`:

* the job runs (or starts within :data:`GRACE_SECONDS`): the page waits for it
  with a progress bar, as long as it takes, and gets the result;
* the job waits in line: the page shows its place ("Waiting: 3rd in line") and goes
  on without the result (``None``); a fragment refreshes the place every
  :data:`WAIT_REFRESH_SECONDS` and reruns the page as soon as the job starts, and
  the page's next run joins the same job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.services import jobs
from ui.services.jobs import Job

GRACE_SECONDS = 1.0
"""A job that leaves the line within this long is simply waited for (an idle server starts it at once)."""
WAIT_REFRESH_SECONDS = 1.0
"""How often the place in line is refreshed while a job waits."""

Progress = Callable[[Job], tuple[float, str] | None]
"""A job's progress as ``(fraction done, text)`` for the bar, or None to leave the bar as it is."""


def follow(job: Job, *, what: str, progress: Progress | None = None, key: str | None = None) -> Any | None:
    """The job's result once done; None while it waits in line (its place is shown instead).

    ``what`` names the work for the bar ("Scoring 1,200 posts..."). Raises whatever
    the job raised, and :class:`concurrent.futures.CancelledError` when it was withdrawn.
    ``key`` tells the waiting panels of one page apart (one per job a page follows).
    """
    if not job.done and not job.wait_turn(GRACE_SECONDS):
        waiting_panel(job, key=key)
        return None
    bar = st.progress(0.0, text=what)

    def show(current: Job) -> None:
        shown = progress(current) if progress is not None else None
        if shown is not None:
            bar.progress(min(max(shown[0], 0.0), 1.0), text=shown[1])

    try:
        result = job.wait(show)
    except BaseException:
        bar.empty()
        raise
    bar.empty()
    return result


def waiting_panel(job: Job, *, key: str | None = None) -> None:
    """The job's place in line, refreshed every second; the page reruns once the job leaves the line."""

    @st.fragment(run_every=WAIT_REFRESH_SECONDS)
    def panel() -> None:
        if not job.waiting:
            st.rerun(scope="app")
        with st.container(border=True, key=key):
            st.progress(0.0, text=jobs.describe(job))
            st.caption(
                "Heavy work (scoring, explanations) runs a few jobs at a time on this server, one per person; "
                "yours starts when its turn comes. You can leave this page: the work goes on."
            )

    panel()
