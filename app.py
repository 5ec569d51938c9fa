"""ModLens dashboard entry point: page config and navigation, nothing else.

Run with ``streamlit run app.py``. The pages and their URL paths (``/``,
``/score``, ``/explain``, ``/bias``, ``/model``) are listed in :func:`ui.shell.pages`.
"""

from __future__ import annotations

import streamlit as st

from ui import shell

st.set_page_config(**shell.PAGE_CONFIG)
st.navigation(shell.pages()).run()
