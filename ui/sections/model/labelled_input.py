"""The Model page's labelled posts: an upload, the last scored upload or public datasets; which column is which.

Shared by the Train, Thresholds and Compare tabs; each hands in its own keys.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import streamlit as st

from core.errors import ModLensError
from core.io.posts import find_text_column, read_table
from core.registry import ModelVersion
from core.training import datasets
from ui import state
from ui.components import upload
from ui.components.safe_text import error, escape_markdown
from ui.services import inputs, labelled, reviewed, session
from ui.services.comparison import version_scores
from ui.services.labelled import NO_COLUMN, LabelledPosts, LabelRule
from ui.state import Keys

UPLOAD_SOURCE = "Upload a labelled file"
SCORED_SOURCE = "Last scored upload"
PUBLIC_SOURCE = "Public datasets"
REVIEWED_SOURCE = "Reviewed posts"


def _read_table(name: str, data: bytes) -> tuple[str, pd.DataFrame, str] | str:
    """An uploaded table as (name, frame, content hash), or the message of what is wrong with it."""
    try:
        frame, _ = read_table(data, name)
    except ModLensError as exc:
        return str(exc)
    return name, frame, inputs.content_hash(data)


def _uploaded_table(keys: Keys) -> tuple[str, pd.DataFrame, str] | None:
    """The uploaded file as (name, frame, content hash), parsed once per upload."""
    uploaded = st.file_uploader(
        "Labelled file: one post per row, a text column and label columns",
        key=keys("upload"),
        help="CSV, TSV, JSON Lines, Parquet or Excel, up to 200 MB.",
    )
    if uploaded is None:
        return None
    table, _ = upload.read_once(uploaded, keys("file"), _read_table)
    if isinstance(table, str):
        error(table)
        return None
    return table


def _data_id(content_hash: str) -> str:
    """The part of the pickers' keys that depends on the file, so that they start afresh for another file."""
    return content_hash[:12]


def leave_out(keys: Keys, data: LabelledPosts, label: str) -> None:
    """Button callback: set the column of ``label`` to "(none)": the label is unknown for every post."""
    state.put(keys(_data_id(data.content_hash), "column", label), NO_COLUMN)


def _label_rule(keys: Keys, data_id: str, frame: pd.DataFrame, label: str, default: str | None) -> LabelRule:
    """How ``label`` is read: its column, and which values mean it when they are not labels."""
    column = upload.pick_column(
        f"Column with the {escape_markdown(label)} label",
        [NO_COLUMN, *[str(c) for c in frame.columns]],
        key=keys(data_id, "column", label),
        default=default,
    )
    if column == NO_COLUMN:
        st.caption("Unknown for every post (left out of this label's loss and metrics).")
        return LabelRule(None)
    if labelled.parses_as_labels(frame[column]):
        st.caption("Read as labels: 1 / true / yes (or a fraction of at least 0.5) means the label.")
        return LabelRule(column)
    try:
        values = labelled.categories(frame[column])
    except ModLensError as exc:
        error(str(exc))
        return LabelRule(None)
    positive = st.multiselect(
        f"Values that mean {escape_markdown(label)}",
        values,
        key=keys(data_id, "positive", label),
        help="Posts with any other non-empty value count as not this label; empty values as unknown.",
    )
    return LabelRule(column, tuple(positive))


def labelled_input(
    keys: Keys, labels: Sequence[str], *, public: bool = False, reviewed: bool = False
) -> LabelledPosts | tuple[str, ...] | None:
    """Pick labelled posts: an upload, the last scored upload, public datasets or reviewed posts.

    ``public`` offers the public datasets, ``reviewed`` the posts reviewers decided on the Review page.

    Returns
    -------
    LabelledPosts, tuple of str or None
        The posts; the names of the chosen public datasets; or None while nothing usable is chosen.

    """
    result = session.last_result()
    sources = [UPLOAD_SOURCE]
    if result is not None:
        sources.append(SCORED_SOURCE)
    found = datasets.available(datasets.DEFAULT_DATA_DIR) if public else []
    if found:
        sources.append(PUBLIC_SOURCE)
    if reviewed:
        sources.append(REVIEWED_SOURCE)
    source = st.radio("Labelled posts", sources, horizontal=True, key=keys("source"))
    if source == REVIEWED_SOURCE:
        return reviewed_input(keys, labels)
    if source == PUBLIC_SOURCE:
        chosen = st.multiselect(
            "Public datasets",
            found,
            key=keys("public"),
            help="Found in ../shared/data; each keeps its own test split. The label mapping is in the model card.",
        )
        return tuple(chosen) or None
    if source == SCORED_SOURCE and result is not None:
        posts = result.posts
        name, frame, content_hash, text_default = posts.source_name, posts.frame, posts.content_hash, posts.text_col
    else:
        uploaded = _uploaded_table(keys)
        if uploaded is None:
            return None
        name, frame, content_hash = uploaded
        text_default = find_text_column(frame.columns)
    data_id = _data_id(content_hash)
    columns = [str(c) for c in frame.columns]
    cells = st.columns(1 + len(labels))
    with cells[0]:
        text_col = upload.pick_column("Text column", columns, key=keys(data_id, "text"), default=text_default)
    guesses = inputs.guess_truth_columns(columns, list(labels), text_col, frame=frame)
    rules = {}
    for cell, label in zip(cells[1:], labels, strict=True):
        with cell:
            rules[label] = _label_rule(keys, data_id, frame, label, guesses.get(label))
    try:
        data = labelled.labelled_posts(frame, name=name, text_col=text_col, rules=rules, content_hash=content_hash)
    except ModLensError as exc:
        error(str(exc))
        return None
    st.dataframe(data.counts(), hide_index=True, key=keys("counts"))
    return data


def usable_labelled_input(keys: Keys, labels: Sequence[str], *, to: str, needs: str) -> LabelledPosts | None:
    """:func:`labelled_input` of posts with a label that has both classes; else None after saying what is missing.

    ``to`` says what the posts are for ("to compare the versions"), ``needs`` who needs both classes.
    """
    data = labelled_input(keys, labels)
    if not isinstance(data, LabelledPosts):
        st.info(
            f"Upload posts with labels (or score a labelled file on the Score page) {to}.",
            icon=":material/upload_file:",
        )
        return None
    if not data.usable_labels():
        st.warning(f"No label has both positive and negative posts in this file; {needs} both.")
        return None
    return data


def scored_by(version: ModelVersion, data: LabelledPosts) -> tuple[list[str], np.ndarray]:
    """Score the labelled posts with one version (loaded once per server), with a spinner meanwhile."""
    with st.spinner(f"Scoring {len(data):,} posts with version {version.version}..."):
        return version_scores(version, data)


def reviewed_input(keys: Keys, labels: Sequence[str]) -> LabelledPosts | None:
    """The team's decisions as labels: remove = toxic, approve = harmless; escalated and skipped posts left out."""
    try:
        names = reviewed.queue_names()
    except ModLensError as exc:
        error(str(exc))
        return None
    if not names:
        st.caption("No review queue yet: send posts to review on the Score page, and decide them on the Review page.")
        return None
    chosen = st.multiselect(
        "Review queues (none: all)",
        names,
        key=keys("reviewed_queues"),
        help="Remove makes a post toxic (1); approve makes it harmless for every label (0). Escalated and skipped "
        "posts, and posts reviewers disagree on, are left out.",
    )
    try:
        data = reviewed.reviewed_posts(chosen or None, labels)
    except ModLensError as exc:
        error(str(exc))
        return None
    if not len(data):
        st.caption("No post of these queues was approved or removed yet.")
        return None
    counts = data.counts()
    st.dataframe(counts, hide_index=True, key=keys("reviewed_counts"))
    missing = counts.loc[counts["labelled"] == 0, "label"].tolist()
    if missing:
        st.caption(
            escape_markdown(
                f"No decision gives both positive and negative posts for {', '.join(missing)}: "
                "the new version leaves it out."
            )
        )
    return data
