"""Review page (``/review``, reviewers and admins): claim posts of a queue, see why they were flagged, decide them.

Also bulk decisions over a score range, progress and agreement, and the decisions export.
The sections live in :mod:`ui.sections.review`; decisions are stored by :mod:`core.store`.
"""

from __future__ import annotations

import streamlit as st

from core.store.roles import Permission
from ui import shell
from ui.components import model_loader
from ui.sections.review import bulk, export, progress, queue_picker, workbench

shell.require_app(Permission.REVIEW)

st.title("Review")
queue = queue_picker.pick_queue()
if queue is None:
    st.stop()
view = queue_picker.pick_view()
if view == queue_picker.WORK:
    workbench.workbench_section(queue, model_loader.active_model())
elif view == queue_picker.BULK:
    bulk.bulk_section(queue, queue.labels)
elif view == queue_picker.PROGRESS:
    progress.progress_section(queue)
else:
    export.export_section(queue)
