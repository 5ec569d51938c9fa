"""Explain page (``/explain``): placeholder that already receives the post picked on the Score page.

The post arrives as ``?row=N`` (a row of the last scored input) or through the
session state; the explanation itself comes with a later issue.
"""

from __future__ import annotations

import streamlit as st

from ui import render, shell, state

shell.require_app()

st.title("Explain")
st.write("Coming next: which words drive a post's scores (SHAP token attributions), for the post you pick.")

row = state.selected_row()
result = state.get(state.RESULT)
if row is None:
    st.caption("Pick a post in the results table on the Score page to open it here.")
elif result is None or not 0 <= row < len(result):
    st.caption(f"Post {row} is not in the current results. Score a file on the Score page first.")
else:
    state.put(state.SELECTED_ROW, row)
    st.subheader(f"Post {row}")
    render.post_text(result.posts.texts[row])
    scores = {f"score_{label}": float(result.scores[row, j]) for j, label in enumerate(result.labels)}
    st.dataframe([scores], hide_index=True)
