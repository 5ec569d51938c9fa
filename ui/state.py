"""The one module that names the dashboard's session-state keys.

Every page reads and writes ``st.session_state`` through the constants and
accessors here, so a key is spelled once and its meaning is written down once.
Keys are namespaced ``modlens.`` so that they never collide with Streamlit's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

SHELL_STARTED = "modlens.shell_started"
"""True once a page of this session has run (see :func:`ui.shell.require_app`)."""

# -- Score page: input ----------------------------------------------------------------------
UPLOAD = "modlens.upload"
"""Widget key of the file uploader."""
UPLOAD_SEEN = "modlens.upload_seen"
"""``file_id`` of the last upload handled, so a rerun does not read the same file again."""
PASTE = "modlens.paste"
"""Widget key of the text area for pasted posts."""
SAMPLE_REQUESTED = "modlens.sample_requested"
"""True when the home page asked the Score page to load the sample posts."""
PENDING_COLUMNS = "modlens.pending_columns"
"""A file whose text column was not found; the column picker is shown for it."""
TEXT_COLUMN_PICK = "modlens.text_column_pick"
"""Widget key of the text-column picker."""
PENDING_SCORE = "modlens.pending_score"
"""Posts being scored; kept so that leaving the page and coming back picks up the job."""
ERROR = "modlens.error"
"""Message of the last input problem, shown until the next input loads."""

# -- Score page: results --------------------------------------------------------------------
RESULT = "modlens.result"
"""The scored posts (:class:`ui.results.ScoredPosts`) of the last input that scored."""
THRESHOLDS = "modlens.thresholds"
"""Chosen threshold per label; survives page switches (widget state does not)."""
TABLE = "modlens.table"
"""Widget key of the results table (its row selection)."""
SEARCH = "modlens.filter.search"
FILTER_LABEL = "modlens.filter.label"
FILTER_FLAG = "modlens.filter.flag"
FILTER_RANGE = "modlens.filter.range"
OPEN_ROW = "modlens.open_row"
"""Widget key of the row-number box that opens a post when the table is too long to select rows."""
SELECTED_ROW = "modlens.selected_row"
"""Row number of the post opened on the Explain page."""

# -- Explain page ---------------------------------------------------------------------------
EXPLAIN_SOURCE = "modlens.explain.source"
"""Widget key of the choice between a post of the last upload and a typed post."""
EXPLAIN_ROW = "modlens.explain.row"
"""Widget key of the row-number box that picks the post of the upload to explain."""
EXPLAIN_ROW_SEEN = "modlens.explain.row_seen"
"""The ``?row=`` value already applied to the row box, so the URL does not undo a later pick."""
EXPLAIN_TYPED = "modlens.explain.typed"
"""Widget key of the text area for a typed post."""
EXPLAIN_WHAT_IF = "modlens.explain.what_if"
"""Widget key of the what-if editor."""
EXPLAIN_WHAT_IF_FOR = "modlens.explain.what_if_for"
"""The post the what-if editor was filled with; another post refills it."""
EXPLAIN_OCCLUDE = "modlens.explain.occlude"
"""Widget key of the word picker whose word is removed (occlusion)."""
EXPLAIN_OCCLUDE_FOR = "modlens.explain.occlude_for"
"""The post the word picker was made for; another post resets it."""
EXPLAIN_GLOBAL_SCOPE = "modlens.explain.global.scope"
"""Widget key of which posts the global view explains (flagged or all)."""
EXPLAIN_GLOBAL_MAX = "modlens.explain.global.max_posts"
"""Widget key of the most posts the global view explains."""
EXPLAIN_GLOBAL_PENDING = "modlens.explain.global.pending"
"""The running global-explanation job (:class:`ui.explain_jobs.GlobalJob`); picked up again on return."""
EXPLAIN_GLOBAL_RESULT = "modlens.explain.global.result"
"""The last global explanation (:class:`ui.explain_jobs.GlobalRun`)."""
EXPLAIN_GLOBAL_MIN_COUNT = "modlens.explain.global.min_count"
"""Widget key of how often a word must occur to be ranked (rare words have noisy averages)."""
EXPLAIN_GLOBAL_LABEL = "modlens.explain.global.label"
"""Widget key of the label whose top words are opened."""
EXPLAIN_GLOBAL_TOKEN = "modlens.explain.global.token"
"""Widget key of the top word whose posts are listed."""
EXPLAIN_GLOBAL_POSTS = "modlens.explain.global.posts"
"""Widget key of the table of the posts behind a word (its row selection)."""


def explain_chart_key(kind: str, label: str) -> str:
    """Element key of an Explain page chart (``tokens``, ``faithfulness``, ``global``) of ``label``."""
    return f"modlens.explain.chart.{kind}.{label}"


# -- Bias page ------------------------------------------------------------------------------
BIAS_SOURCE = "modlens.bias.source"
"""Widget key of the choice of posts to analyse (last scored posts, sample posts, an upload)."""
BIAS_UPLOAD = "modlens.bias.upload"
"""Widget key of the Bias page's file uploader."""
BIAS_FILE = "modlens.bias.file"
"""``(file_id, Posts | NeedsTextColumn | error message)`` of the last file read on the Bias page."""
BIAS_TEXT_COLUMN = "modlens.bias.text_column"
"""Widget key of the text-column picker of a Bias page upload without a text column by name."""
BIAS_SCORED = "modlens.bias.scored"
"""``(score key, ScoredPosts)`` of the sample or upload last scored on the Bias page."""
BIAS_LABEL = "modlens.bias.label"
"""Widget key of the model label whose scores are analysed."""
BIAS_BOOTSTRAP = "modlens.bias.bootstrap"
"""Widget key of the number of bootstrap resamples."""
BIAS_MIN_GROUP = "modlens.bias.min_group"
"""Widget key of the smallest group size that gets metrics."""


def bias_threshold_key(label: str) -> str:
    """Widget key of the Bias page's threshold slider for ``label``."""
    return f"modlens.bias.threshold.{label}"


def bias_data_key(name: str, data_id: str) -> str:
    """Widget key of a Bias page picker whose options depend on the data (``data_id``): it resets per input."""
    return f"modlens.bias.{name}.{data_id}"


def bias_chart_key(kind: str) -> str:
    """Element key of a Bias page chart (``auc``, ``errors``, ``heatmap``, ``flags``, ``templates``, ``swaps``)."""
    return f"modlens.bias.chart.{kind}"


# -- Model page -----------------------------------------------------------------------------
MODEL_TRAINING_JOB = "modlens.model.training_job"
"""Id of the training this session started (:class:`ui.training_job.TrainingJob`), to show its result."""
MODEL_NOTICE = "modlens.model.notice"
"""Message of the last Model page action (activated, deleted, saved), shown once."""
MODEL_CONFIRM_DELETE = "modlens.model.confirm_delete"
"""Version whose deletion waits for the user's confirmation."""
MODEL_UPLOADS = "modlens.model.uploads"
"""``{section: (file_id, name, DataFrame)}``: the Model page's labelled uploads, parsed once."""
MODEL_THRESHOLD_DATA = "modlens.model.threshold_data"
"""Labelled posts scored by one version, for choosing thresholds (:class:`ui.model_data.ScoredLabels`)."""
MODEL_COMPARISON = "modlens.model.comparison"
"""Labelled posts scored by two versions (:class:`ui.model_data.Comparison`)."""


def model_widget_key(section: str, name: str) -> str:
    """Widget key of a Model page control; ``section`` is ``versions``, ``train``, ``thresholds`` or ``compare``."""
    return f"modlens.model.{section}.{name}"


_INPUT_WIDGET_PREFIXES = (TABLE, OPEN_ROW, SELECTED_ROW, "modlens.filter.", "modlens.truth.")


def threshold_widget_key(label: str) -> str:
    """Widget key of the threshold slider of ``label``."""
    return f"modlens.threshold.{label}"


def chart_key(kind: str, label: str) -> str:
    """Element key of a Score page chart (``hist``, ``roc``, ``pr``, ``confusion``) of ``label``."""
    return f"modlens.chart.{kind}.{label}"


def truth_widget_key(label: str) -> str:
    """Widget key of the picker of the label column that holds the truth for ``label``."""
    return f"modlens.truth.{label}"


def get(key: str, default: Any = None) -> Any:
    """Value of a ModLens key, or ``default``."""
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    """Set a ModLens key."""
    st.session_state[key] = value


def pop(key: str, default: Any = None) -> Any:
    """Remove a ModLens key and return its value (``default`` if absent)."""
    return st.session_state.pop(key, default)


def request_sample() -> None:
    """Ask the Score page to load and score the sample posts on its next run."""
    st.session_state[SAMPLE_REQUESTED] = True


def take_sample_request() -> bool:
    """True once after :func:`request_sample`."""
    return bool(st.session_state.pop(SAMPLE_REQUESTED, False))


def thresholds(labels: Sequence[str], defaults: Mapping[str, float]) -> dict[str, float]:
    """The chosen threshold of each label, the model's where none was chosen."""
    chosen = st.session_state.get(THRESHOLDS, {})
    return {label: float(chosen.get(label, defaults[label])) for label in labels}


def set_thresholds(values: Mapping[str, float]) -> None:
    """Remember the chosen thresholds."""
    st.session_state[THRESHOLDS] = {label: float(value) for label, value in values.items()}


def reset_thresholds(labels: Sequence[str]) -> None:
    """Forget chosen thresholds and slider positions: back to the model's thresholds."""
    st.session_state.pop(THRESHOLDS, None)
    for label in labels:
        st.session_state.pop(threshold_widget_key(label), None)


def selected_row() -> int | None:
    """Row of the post to explain: ``?row=N`` in the URL, else the last row picked on the Score page."""
    raw = st.query_params.get("row")
    if raw is not None:
        try:
            return int(raw)
        except ValueError:
            return None
    row = st.session_state.get(SELECTED_ROW)
    return int(row) if row is not None else None


def forget_input_widgets() -> None:
    """Reset the widgets that depend on the input (selection, filters, label pickers) for a new input."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(_INPUT_WIDGET_PREFIXES)]:
        del st.session_state[key]


def set_error(message: str | None) -> None:
    """Remember (or clear, with None) the message of the last input problem."""
    if message is None:
        st.session_state.pop(ERROR, None)
    else:
        st.session_state[ERROR] = message
