"""The Home page's introduction: what ModLens does, and a one-click start with the sample posts."""

from __future__ import annotations

import streamlit as st

from ui.services import session


def intro_section() -> None:
    """Title, what ModLens does, and the button that scores the sample posts on the Score page."""
    st.title("ModLens")
    st.write(
        "ModLens helps trust-and-safety teams review what a toxicity classifier does. "
        "Score a file of posts with the model (labels such as *toxic* and *hate*), tune the flagging "
        "thresholds against your own labels, see which words drive a score, and check whether posts "
        "that mention identity groups are flagged unfairly."
    )
    if st.button("Start with the sample posts", type="primary", icon=":material/play_arrow:"):
        session.request_sample()
        st.switch_page("pages/score.py")
    st.caption("300 hand-written posts with toxic and hate labels, or upload your own file on the Score page.")
