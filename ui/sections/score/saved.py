"""The Score page's saved work: each scored upload is saved once as a batch; saved batches reopen without rescoring.

The batch keeps the thresholds: moving a slider saves them again (an audited threshold
change), so a reopened batch flags as it was left, after a reload, a closed tab or a
server restart.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import ModLensError
from ui import state
from ui.components import thresholds
from ui.components.safe_text import error, escape_markdown
from ui.sections.score import input as score_input
from ui.sections.score import numbering, scoring, table, truth
from ui.services import batches, session
from ui.services.results import ScoredPosts

KEYS = state.Keys("modlens.saved")
FAILED = KEYS("failed")
"""``(result key, message)`` of a save that failed, so it is not retried on every rerun."""


def reopen_section() -> None:
    """The team's recent batches; opening one makes it this session's scored posts (nothing is rescored)."""
    try:
        recent = batches.recent()
    except ModLensError as exc:
        error(str(exc))
        return
    if not recent:
        return
    current = session.last_result()
    with st.expander(f"Saved batches ({len(recent)} most recent)", icon=":material/history:", expanded=current is None):
        st.dataframe(
            pd.DataFrame(
                {
                    "batch": [b.id for b in recent],
                    "file": [b.file_name for b in recent],
                    "posts": [b.row_count for b in recent],
                    "saved by": [b.created_by for b in recent],
                    "saved at": [b.created_at for b in recent],
                    "model": [b.model_version for b in recent],
                    "thresholds": [", ".join(f"{k} {v:.3f}" for k, v in b.thresholds.items()) for b in recent],
                }
            ),
            hide_index=True,
            key=KEYS("table"),
        )
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        chosen = left.selectbox(
            "Batch to open",
            [b.id for b in recent],
            format_func=lambda i: next(
                f"Batch {b.id}: {b.file_name} ({b.row_count:,} posts)" for b in recent if b.id == i
            ),
            key=KEYS("pick"),
        )
        if right.button("Open", icon=":material/folder_open:", key=KEYS("open"), width="stretch"):
            _open(int(chosen))


def _open(batch_id: int) -> None:
    """Make a saved batch the session's result, with its saved thresholds on the sliders.

    Like new posts (:func:`ui.sections.score.scoring.accept`), it starts with the pickers
    of its own file (the post names from its id column, no filter) and without the
    previous input's problem or column picker. Posts still waiting to be scored are
    dropped: the batch opened last wins over an upload's older scoring job.
    """
    try:
        with st.spinner("Opening the saved batch..."):
            result, ref = batches.reopen(batch_id)
    except ModLensError as exc:
        error(str(exc))
        return
    scoring.forget_pending()
    score_input.forget_input()
    table.forget_widgets()
    truth.forget_widgets()
    numbering.forget_widgets()
    session.forget_opened_row()
    session.keep_result(result)
    thresholds.reset(result.labels)
    thresholds.remember(ref.thresholds)


def saved_section(result: ScoredPosts, chosen: dict[str, float]) -> None:
    """Save the result as a batch the first time it is shown; afterwards save threshold changes."""
    key = batches.result_key(result)
    failed = state.get(FAILED)
    ref = batches.saved_ref(result)
    try:
        if ref is None:
            if failed is not None and failed[0] == key:
                error(f"This upload is not saved: {failed[1]}")
                return
            with st.spinner(f"Saving {len(result):,} posts so that they can be reopened and reviewed..."):
                ref = batches.save(result, chosen, batches.model_label(result))
        else:
            ref = batches.save_thresholds(result, chosen) or ref
    except ModLensError as exc:
        state.put(FAILED, (key, str(exc)))
        error(f"This upload is not saved: {exc}")
        return
    st.caption(
        escape_markdown(
            f"Saved as batch {ref.id} by {ref.created_by} (scored by {ref.model_version}); the thresholds are "
            "saved with it. Reopen it under Saved batches after a reload."
        )
    )
