"""ModLens dashboard entry point: page config and navigation, nothing else.

Run with ``streamlit run app.py``. Who is signed in decides the pages
(:func:`ui.shell.navigation`); their URL paths are ``/``, ``/score``,
``/explain``, ``/bias``, ``/review``, ``/model`` and ``/admin`` (see :func:`ui.shell.pages`).
"""

from __future__ import annotations

import streamlit as st

from ui import shell

st.set_page_config(**shell.PAGE_CONFIG)
shell.navigation().run()
