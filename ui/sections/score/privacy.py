"""The Score page's personal-data switch: redaction is on for every upload; authorised users may turn it off.

The switch is per upload and per session. What is redacted, and who may turn it
off, is decided in :mod:`ui.services.privacy`.
"""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from ui import state
from ui.services import privacy
from ui.services.results import ScoredPosts

SWITCH = state.Keys("modlens.score.reveal")
"""Widget keys of the switch, one per upload (content hash)."""
REDACTED_NOTE = (
    "Personal data is hidden in the table, the post views, the Explain and Bias pages and the exports: e-mail "
    "addresses, phone numbers, URLs, IP addresses, card numbers, @handles and IBANs show as <EMAIL>, <PHONE>, ... "
    "Scores and explanations use the posts as written."
)


def _switched(content_hash: str) -> None:
    """Switch callback: reveal or hide the upload's personal data (the service checks the role)."""
    try:
        privacy.set_revealed(content_hash, bool(state.get(SWITCH(content_hash))))
    except ModLensError as exc:
        state.put(SWITCH(content_hash), False)
        st.toast(str(exc), icon=":material/lock:")


def redaction_section(result: ScoredPosts) -> None:
    """The switch (disabled for users who may not see personal data) and what redaction does."""
    content_hash = result.posts.content_hash
    allowed = privacy.may_reveal()
    shown = privacy.revealed(content_hash)
    if state.get(SWITCH(content_hash)) and not shown:  # the reveal was forgotten (another user or role)
        state.put(SWITCH(content_hash), False)
    left, right = st.columns([1, 3], vertical_alignment="center")
    left.toggle(
        "Show personal data",
        value=shown,
        key=SWITCH(content_hash),
        on_change=_switched,
        args=(content_hash,),
        disabled=not allowed,
        help="For this upload, in this session only." if allowed else "Your role may not see personal data in uploads.",
    )
    if shown:
        right.warning("Personal data of this upload is shown and exported as written.", icon=":material/visibility:")
    else:
        right.caption(REDACTED_NOTE.replace("<", "\\<"))
