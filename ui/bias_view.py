"""Sections of the Bias page: which posts, identity groups, per-group metrics, templated test, identity swaps.

``pages/bias.py`` calls these in order. The metrics themselves live in
:mod:`core.bias` (pure); here they are fed from the session (the last scored
posts, the sample posts or an upload), cached with ``st.cache_data`` and drawn.

Post text, column names and group names from files are hostile: post text is
only shown in dataframes and with :func:`ui.render.post_text`, names in
Markdown go through :func:`ui.render.escape_markdown`, and group names in
plotly figures are HTML-escaped (plotly renders a subset of HTML in labels).
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.bias import (
    BiasConfig,
    IdentityMatches,
    Lexicon,
    TemplateResult,
    bias_metrics,
    counterfactual_gap,
    counterfactual_scores,
    final_bias_metric,
    flag_rate_metrics,
    groups_from_columns,
    largest_changes,
    load_lexicon,
    load_templates,
    match_identities,
    summarise_templates,
)
from core.bias import figures as bias_figures
from core.bias.inputs import OVERALL
from core.bias.lexicon import normalise_term
from core.bias.table import ci_columns
from core.bias.templates import ScoreFn, fill_templates
from core.errors import ModLensError
from core.io.export import to_csv_bytes
from core.io.labels import parse_labels
from core.io.posts import Posts
from core.scoring import Scorer, ScoringProgress, score_texts
from ui import inputs, render, resources, results, state
from ui.results import ScoredPosts

log = logging.getLogger("modlens.ui")

SOURCE_LAST = "Last scored posts"
SOURCE_SAMPLE = "Sample posts"
SOURCE_UPLOAD = "Upload a file"
SOURCES = (SOURCE_LAST, SOURCE_SAMPLE, SOURCE_UPLOAD)
GROUPS_LEXICON = "Detected in the text"
GROUPS_COLUMNS = "Identity columns in the data"
NO_LABELS = "(none: flag rates only)"
DEFAULT_BOOTSTRAP = 200
"""Resamples for the intervals in the UI: a few tenths of a second on the sample posts."""
MAX_BOOTSTRAP = 5000
DEFAULT_MIN_GROUP = BiasConfig.min_group_size
SWAP_MAX_POSTS = 500
"""Posts (with identity terms) rescored with swapped terms for the data-wide counterfactual gap."""
INTRO = (
    "Does the model treat posts that mention identity groups (women, Muslims, gay people, ...) differently? "
    "Compare its scores per group on labelled posts, on unlabelled posts (flag rates), on built-in template "
    "sentences and with identity terms swapped."
)

METRIC_NAMES = {
    "subgroup_auc": "Subgroup AUC",
    "bpsn_auc": "BPSN AUC",
    "bnsp_auc": "BNSP AUC",
    "fpr": "FPR",
    "fnr": "FNR",
    "precision": "Precision",
    "mean_score_neg": "Mean score (negatives)",
    "mean_score_pos": "Mean score (positives)",
    "mean_score": "Mean score",
    "flag_rate": "Flag rate",
    "background_flag_rate": "Flag rate of other posts",
    "flag_rate_ratio": "Flag rate ratio",
}
METRIC_HELP = {
    "subgroup_auc": "How well the model separates positive from negative posts within the group (1 = perfectly).",
    "bpsn_auc": "Background positives vs the group's negatives. Low: the group's harmless posts score like "
    "toxic posts of others (false alarms).",
    "bnsp_auc": "Background negatives vs the group's positives. Low: the group's toxic posts score like "
    "harmless posts of others (misses).",
    "fpr": "False positive rate at the threshold: share of the group's negative posts that are flagged.",
    "fnr": "False negative rate at the threshold: share of the group's positive posts that are not flagged.",
    "precision": "Share of the group's flagged posts that are positive.",
    "mean_score_neg": "Mean score of the group's negative posts.",
    "mean_score_pos": "Mean score of the group's positive posts.",
    "mean_score": "Mean score of the group's posts.",
    "flag_rate": "Share of the group's posts flagged at the threshold.",
    "background_flag_rate": "Share of the posts outside the group flagged at the threshold.",
    "flag_rate_ratio": "Flag rate of the group / flag rate of the other posts (1 = flagged as often).",
}


# -- logic without widgets --------------------------------------------------------------------------
def data_id(source: str, scored: ScoredPosts) -> str:
    """Short hash of the input and its scores: part of every cache key and of the data-dependent widget keys."""
    digest = hashlib.sha256()
    for part in (source, scored.posts.content_hash, str(scored.posts.text_col), ",".join(scored.labels)):
        digest.update(part.encode("utf-8", "replace") + b"\0")
    digest.update(np.ascontiguousarray(scored.scores).tobytes())
    return digest.hexdigest()[:16]


def label_like_columns(frame: pd.DataFrame, exclude: Sequence[Hashable] = ()) -> list[Hashable]:
    """Columns holding 0/1, true/false or fractions in [0, 1] with at least one value: labels or identities.

    Parameters
    ----------
    frame
        The posts' table.
    exclude
        Columns never offered (the text column).

    """
    found = []
    for column in frame.columns:
        if column in exclude:
            continue
        try:
            values = parse_labels(frame[column], str(column))
        except (ModLensError, TypeError, ValueError):
            continue
        if not np.isnan(values).all():
            found.append(column)
    return found


def guess_identity_columns(columns: Sequence[Hashable], lexicon: Lexicon) -> list[Hashable]:
    """Columns named like a lexicon group or term (``muslim``, ``female``, ``black``): the default choice."""
    names = set(lexicon.groups) | set(lexicon.forms)
    return [c for c in columns if normalise_term(str(c).replace("_", " ")) in names or str(c) in names]


def plot_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Copy of a metrics table with HTML-escaped group names, so plotly shows them literally."""
    out = table.copy()
    out["group"] = [html.escape(str(g), quote=False) for g in out["group"]]
    return out


def chart_rows(table: pd.DataFrame, min_size: int) -> pd.DataFrame:
    """Groups with metrics (at least ``min_size`` posts) and the overall row: what the charts show."""
    keep = (table["n"] >= min_size) | (table["group"] == OVERALL)
    return table[keep].reset_index(drop=True)


def heatmap_figure(table: pd.DataFrame) -> go.Figure:
    """:func:`core.bias.figures.metric_heatmap` with readable metric names and empty (not 'null') cells.

    BPSN and BNSP AUC have no value on the overall row (there is no
    background there); they are coloured against the overall AUC instead.
    """
    base = plot_safe(table)
    overall = base["group"] == OVERALL
    for metric in ("bpsn_auc", "bnsp_auc"):
        if metric in base:
            base.loc[overall, metric] = base.loc[overall, "subgroup_auc"]
    figure = bias_figures.metric_heatmap(base)
    trace = figure.data[0]
    text = [["" if v is None or not math.isfinite(v) else f"{v:.3f}" for v in row] for row in trace.text]
    figure.update_traces(text=text, x=[METRIC_NAMES.get(m, m) for m in trace.x])
    figure.update_layout(height=max(320, 160 + 30 * len(trace.y)))
    return figure


def matched_terms_table(scored: ScoredPosts, summary: np.ndarray, column: int) -> pd.DataFrame:
    """Posts that mention an identity term: row, text, the terms matched (``term (group)``) and the score.

    ``summary`` is :meth:`core.bias.IdentityMatches.summary` as an array (``''`` where no term matched).
    """
    rows = np.flatnonzero(summary != "")
    label = scored.labels[column]
    table = pd.DataFrame(
        {
            "text": [scored.posts.texts[i] for i in rows],
            "identity_terms": summary[rows],
            f"score_{label}": scored.scores[rows, column].astype(float),
        },
        index=pd.Index(rows, name=results.ROW),
    )
    return table


def swap_rows(mentions: np.ndarray, limit: int = SWAP_MAX_POSTS, seed: int = 0) -> np.ndarray:
    """The posts rescored for the data-wide gap: all that mention a group, or a seeded sample of ``limit``."""
    if mentions.shape[0] <= limit:
        return mentions
    return np.sort(np.random.default_rng(seed).choice(mentions, size=limit, replace=False))


def number(value: float, digits: int = 3) -> str:
    """A metric for display; an en dash when undefined."""
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}f}"


@dataclass(frozen=True)
class Groups:
    """Identity membership of the posts and how it was obtained.

    Attributes
    ----------
    members
        Posts x groups, booleans, rows in the order of the posts.
    key
        Describes the source for cache keys (``lexicon`` or ``columns:[...]``).
    matches
        Lexicon matches when the groups come from the text, else None.
    unmentioned
        Lexicon groups that no post mentions (left out of the metrics).

    """

    members: pd.DataFrame
    key: str
    matches: IdentityMatches | None = None
    unmentioned: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """What the reviewer chose above the results."""

    label: str
    column: int
    truth_col: str | None
    truth: np.ndarray | None
    groups: Groups | None
    config: BiasConfig


# -- cached computations ----------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def lexicon() -> Lexicon:
    """The project's identity lexicon (``assets/identity_terms.csv``), compiled once per server."""
    return load_lexicon()


@st.cache_data(show_spinner=False, max_entries=8)
def _identity_matches(data: str, _texts: Sequence[str]) -> IdentityMatches:
    """Lexicon groups and terms of every post (cached per input)."""
    return match_identities(_texts, lexicon())


@st.cache_data(show_spinner=False, max_entries=8)
def _terms_summary(data: str, _matches: IdentityMatches) -> np.ndarray:
    """Per post, the identity terms matched, e.g. ``'muslims (muslim); women (women)'``."""
    return _matches.summary().to_numpy(dtype=object)


@st.cache_data(show_spinner=False, max_entries=8)
def _label_like_columns(data: str, _frame: pd.DataFrame, text_col: str) -> list[Hashable]:
    """:func:`label_like_columns` of the input, cached (parsing every column of a large file takes a while)."""
    return label_like_columns(_frame, exclude=[text_col])


@st.cache_data(show_spinner=False, max_entries=32)
def metrics_table(
    data: str,
    label: str,
    truth_col: str | None,
    group_key: str,
    threshold: float,
    n_bootstrap: int,
    min_group_size: int,
    version: str,
    _truth: np.ndarray | None,
    _scores: np.ndarray,
    _groups: pd.DataFrame,
) -> pd.DataFrame:
    """Per-group table, cached by data hash, label, truth column, groups, threshold, resamples and model version.

    With a truth column it is :func:`core.bias.bias_metrics`, without one
    :func:`core.bias.flag_rate_metrics`.
    """
    config = BiasConfig(threshold=threshold, n_bootstrap=n_bootstrap, min_group_size=min_group_size)
    if _truth is None:
        return flag_rate_metrics(_scores, groups=_groups, config=config)
    return bias_metrics(_truth, _scores, groups=_groups, config=config)


@st.cache_data(show_spinner=False, max_entries=4)
def _template_sentences(version: str, _model: Scorer) -> pd.DataFrame:
    """Every template filled with every identity phrase, scored once for all labels (per model version)."""
    sentences = fill_templates(load_templates(), lexicon())
    unique = sentences["text"].drop_duplicates().tolist()
    scores = score_texts(_model, unique)
    position = {text: i for i, text in enumerate(unique)}
    index = sentences["text"].map(position).to_numpy()
    for j, label in enumerate(_model.labels_):
        sentences[f"score_{label}"] = scores[index, j].astype(float)
    return sentences


@st.cache_data(show_spinner=False, max_entries=8)
def templated_result(version: str, label: str, _model: Scorer) -> TemplateResult:
    """The templated identity test of one label, cached per model version."""
    sentences = _template_sentences(version, _model)
    scored = sentences.drop(columns=[c for c in sentences.columns if c.startswith("score_")])
    scored["score"] = sentences[f"score_{label}"]
    return TemplateResult(
        sentences=scored,
        by_term=summarise_templates(scored, by="term"),
        by_group=summarise_templates(scored, by="group"),
    )


def _score_fn(model: Scorer, column: int) -> ScoreFn:
    """The model reduced to one label, for the identity-swap probes."""

    def score(texts: list[str]) -> np.ndarray:
        return score_texts(model, texts)[:, column].astype(np.float64)

    return score


@st.cache_data(show_spinner=False, max_entries=8)
def data_swaps(
    data: str,
    label: str,
    version: str,
    limit: int,
    _rows: np.ndarray,
    _texts: Sequence[str],
    _scores: np.ndarray,
    _model: Scorer,
    _column: int,
) -> pd.DataFrame:
    """Identity-swap variants of up to ``limit`` posts, scored; ``post`` is the post's row in the input."""
    texts = [_texts[i] for i in _rows]
    scored = counterfactual_scores(
        texts, _score_fn(_model, _column), lexicon(), original_scores=_scores[_rows], terms_per_group=1
    )
    scored["post"] = _rows[scored["post"].to_numpy(dtype=np.intp)]
    return scored


@st.cache_data(show_spinner=False, max_entries=64)
def post_swaps(text: str, score: float, label: str, version: str, _model: Scorer, _column: int) -> pd.DataFrame:
    """Every identity-swap variant of one post (all terms of every other group), scored."""
    return counterfactual_scores(
        [text], _score_fn(_model, _column), lexicon(), original_scores=[score], terms_per_group=None
    )


# -- data -------------------------------------------------------------------------------------------
def data_section(model: Scorer) -> tuple[str, ScoredPosts] | None:
    """Choose the posts: the last scored ones, the sample posts or an upload; returns ``(data id, scored posts)``."""
    last: ScoredPosts | None = state.get(state.RESULT)
    source = st.radio(
        "Posts to analyse",
        SOURCES,
        index=0 if last is not None else 1,
        key=state.BIAS_SOURCE,
        horizontal=True,
        help="The last posts scored on the Score page (their scores are reused), the bundled sample posts "
        "(with toxic and hate labels), or a file uploaded here.",
    )
    scored: ScoredPosts | None
    if source == SOURCE_LAST:
        if last is None:
            st.info(
                "No posts scored yet. Score a file on the Score page, or pick the sample posts or an upload.",
                icon=":material/upload_file:",
            )
            st.page_link("pages/score.py", label="Go to the Score page", icon=":material/fact_check:")
            return None
        scored = last
    elif source == SOURCE_SAMPLE:
        scored = _score(model, inputs.sample_posts())
    else:
        scored = _uploaded(model)
    if scored is None:
        return None
    name = scored.posts.source_name or "posts"
    st.caption(render.escape_markdown(f"{name}: {len(scored):,} posts, scored by {scored.model_name or 'the model'}"))
    return data_id(source, scored), scored


def _uploaded(model: Scorer) -> ScoredPosts | None:
    """The uploader, the text-column picker if needed, and the uploaded posts scored (cached per file)."""
    uploaded = st.file_uploader(
        "Upload a file of posts (ideally with a label column and identity columns)",
        key=state.BIAS_UPLOAD,
        help="CSV, TSV, JSON Lines, Parquet or Excel, one post per row. Label and identity columns hold "
        "0/1, true/false or fractions of annotators (0.5 or more counts).",
    )
    if uploaded is None:
        st.info("Upload a file to analyse it.", icon=":material/upload_file:")
        return None
    seen = state.get(state.BIAS_FILE)
    if seen is None or seen[0] != uploaded.file_id:
        try:
            with st.spinner("Reading the file..."):
                loaded: Posts | inputs.NeedsTextColumn | str = inputs.load_upload(uploaded.name, uploaded.getvalue())
        except ModLensError as exc:
            loaded = str(exc)
        except Exception as exc:  # a reader bug must not take the page down; the log keeps the traceback
            log.exception("Unexpected error while reading a Bias page upload")
            loaded = f"The file could not be read ({type(exc).__name__}). Check the file, or report this problem."
        seen = (uploaded.file_id, loaded)
        state.put(state.BIAS_FILE, seen)
        state.pop(state.BIAS_TEXT_COLUMN)
    loaded = seen[1]
    if isinstance(loaded, str):
        render.error(loaded)
        return None
    if isinstance(loaded, inputs.NeedsTextColumn):
        column = st.selectbox(
            "Text column",
            loaded.candidates,
            key=state.BIAS_TEXT_COLUMN,
            help="No column is named like post text (text, comment_text, content, ...): pick the one with the posts.",
        )
        try:
            loaded = inputs.with_text_column(loaded, column)
        except ModLensError as exc:
            render.error(str(exc))
            return None
    for message in loaded.notes:
        render.note(message)
    return _score(model, loaded)


def _score(model: Scorer, posts: Posts) -> ScoredPosts | None:
    """Scores of ``posts`` (cached per content and model version), with a progress bar while scoring."""
    key = (posts.content_hash, str(posts.text_col), resources.model_version(model))
    stored = state.get(state.BIAS_SCORED)
    if stored is not None and stored[0] == key:
        return stored[1]
    bar = st.progress(0.0, text=f"Scoring {len(posts):,} posts...")

    def show(progress: ScoringProgress | None) -> None:
        if progress is not None and progress.total:
            bar.progress(progress.done / progress.total, text=results.progress_text(progress))

    try:
        scores = resources.start_scoring(model, posts.content_hash, posts.text_col, posts.texts).wait(show)
    except ModLensError as exc:
        bar.empty()
        render.error(str(exc))
        return None
    except Exception as exc:  # the log keeps the traceback
        log.exception("Scoring failed on the Bias page")
        bar.empty()
        render.error(f"Scoring failed ({type(exc).__name__}). The server log has the details.")
        return None
    bar.empty()
    scored = ScoredPosts(
        posts=posts,
        labels=tuple(model.labels_),
        scores=scores,
        model_thresholds=dict(model.thresholds_),
        model_name=str(resources.model_metadata(model)["name"]),
    )
    state.put(state.BIAS_SCORED, (key, scored))
    return scored


# -- settings ---------------------------------------------------------------------------------------
def settings_section(data: str, scored: ScoredPosts) -> Settings:
    """Label, truth column, identity groups, threshold and bootstrap settings."""
    posts = scored.posts
    label_col, truth_col, groups_col = st.columns(3)
    label = label_col.selectbox(
        "Model label", scored.labels, key=state.BIAS_LABEL, help="Whose scores are compared between groups."
    )
    column = scored.labels.index(label)
    candidates = _label_like_columns(data, posts.frame, posts.text_col)
    names = {str(c): c for c in candidates}
    guess = inputs.guess_truth_columns(list(names), scored.labels, str(posts.text_col)).get(label)
    options = [NO_LABELS, *names]
    chosen = truth_col.selectbox(
        f"Label column (truth for {render.escape_markdown(label)})",
        options,
        index=options.index(guess) if guess in options else 0,
        key=state.bias_data_key(f"truth.{label}", data),
        help="A column saying which posts really are positive (0/1, true/false or fractions). "
        "Without one, only flag rates are compared.",
    )
    truth = None if chosen == NO_LABELS else posts.labels(names[chosen])
    truth_name = None if chosen == NO_LABELS else chosen
    groups = _groups_picker(groups_col, data, scored, [c for c in candidates if str(c) != truth_name])

    slider_col, boot_col, size_col = st.columns([3, 1, 1], vertical_alignment="bottom")
    key = state.bias_threshold_key(label)
    if state.get(key) is None:  # start at the Score page's threshold (the model's if none was chosen there)
        state.put(key, state.thresholds(scored.labels, scored.model_thresholds)[label])
    threshold = slider_col.slider(
        f"{render.escape_markdown(label)} threshold",
        min_value=0.0,
        max_value=1.0,
        step=0.001,
        format="%.3f",
        key=key,
        help=f"Posts scoring at or above it count as flagged. Model threshold: {scored.model_thresholds[label]:.3f}.",
    )
    n_bootstrap = boot_col.number_input(
        "Bootstrap resamples",
        min_value=0,
        max_value=MAX_BOOTSTRAP,
        value=DEFAULT_BOOTSTRAP,
        step=100,
        key=state.BIAS_BOOTSTRAP,
        help="For the 95% confidence intervals; more is steadier but slower, 0 skips the intervals.",
    )
    min_size = size_col.number_input(
        "Smallest group",
        min_value=1,
        max_value=10_000,
        value=DEFAULT_MIN_GROUP,
        step=1,
        key=state.BIAS_MIN_GROUP,
        help="Groups with fewer posts get no metrics (empty cells and a note): their estimates would be noise.",
    )
    config = BiasConfig(threshold=float(threshold), n_bootstrap=int(n_bootstrap), min_group_size=int(min_size))
    return Settings(label=label, column=column, truth_col=truth_name, truth=truth, groups=groups, config=config)


def _groups_picker(cell: DeltaGenerator, data: str, scored: ScoredPosts, candidates: list[Hashable]) -> Groups | None:
    """Identity groups from the lexicon or from identity columns the reviewer picks."""
    source = cell.radio(
        "Identity groups",
        (GROUPS_LEXICON, GROUPS_COLUMNS),
        key=state.bias_data_key("groups", data),
        horizontal=True,
        help="Detected in the text with the project's identity lexicon (assets/identity_terms.csv), or read from "
        "0/1 or fractional columns of the data (0.5 or more = member).",
    )
    if source == GROUPS_COLUMNS:
        names = {str(c): c for c in candidates}
        default = [str(c) for c in guess_identity_columns(candidates, lexicon())]
        picked = cell.multiselect(
            "Identity columns",
            list(names),
            default=default,
            key=state.bias_data_key("identity_columns", data),
            placeholder="Choose identity columns" if names else "No 0/1 or fractional columns",
        )
        if not picked:
            with cell:
                render.note("Choose at least one identity column (0/1, true/false or fractions).")
            return None
        try:
            members = groups_from_columns(scored.posts.frame, [names[p] for p in picked], choose_hint="in the picker")
        except ModLensError as exc:
            with cell:
                render.error(str(exc))
            return None
        members = members.reset_index(drop=True)
        members.columns = [str(c) for c in members.columns]
        return Groups(members=members, key="columns:" + json.dumps(picked))
    cell.caption("Terms found for each post are listed under the charts.")
    matches = _identity_matches(data, scored.posts.texts)
    mentioned = matches.groups.any(axis=0)
    return Groups(
        members=matches.groups.loc[:, mentioned],
        key="lexicon",
        matches=matches,
        unmentioned=tuple(str(g) for g in mentioned.index[~mentioned]),
    )


# -- per-group metrics ------------------------------------------------------------------------------
def groups_section(data: str, scored: ScoredPosts, settings: Settings, version: str) -> None:
    """Group table with intervals and the charts: AUCs, error rates and heatmap, or flag rates without labels."""
    st.header("Identity groups")
    groups = settings.groups
    if groups is None:
        return
    if groups.members.shape[1] == 0:
        st.info(
            "No post mentions an identity term of the lexicon, so there are no groups to compare. "
            "Choose identity columns, or analyse posts that mention identity groups.",
            icon=":material/info:",
        )
        return
    config = settings.config
    try:
        with st.spinner("Computing the group metrics..."):
            table = metrics_table(
                data,
                settings.label,
                settings.truth_col,
                groups.key,
                config.threshold,
                config.n_bootstrap,
                config.min_group_size,
                version,
                settings.truth,
                scored.scores[:, settings.column].astype(float),
                groups.members,
            )
    except (ModLensError, ValueError) as exc:  # e.g. a group column named like a reserved row
        render.error(str(exc))
        return
    labelled = settings.truth is not None
    _summary(table, settings, groups, labelled=labelled)
    _group_table(table, settings, labelled=labelled)
    charted = chart_rows(table, config.min_group_size)
    left_out = [str(g) for g in table["group"] if g not in set(charted["group"])]
    if len(charted) == 1:
        render.note(
            f"No group has at least {config.min_group_size} posts, so there is nothing to chart. "
            "Lower 'Smallest group' to chart smaller groups (their estimates are noisy)."
        )
    else:
        if left_out:
            st.caption(
                render.escape_markdown(
                    f"Left out of the charts (fewer than {config.min_group_size} posts): {', '.join(left_out)}."
                )
            )
        if labelled:
            _labelled_charts(charted, config)
        else:
            _flag_rate_charts(charted)
    if groups.matches is not None:
        _matched_terms(scored, _terms_summary(data, groups.matches), settings.column)


def _summary(table: pd.DataFrame, settings: Settings, groups: Groups, *, labelled: bool) -> None:
    overall = table[table["group"] == OVERALL].iloc[0]
    rows = table[table["group"] != OVERALL]
    cells = st.columns(4)
    cells[0].metric("Posts", f"{int(overall['n']):,}")
    shown = int((rows["n"] >= settings.config.min_group_size).sum())
    cells[1].metric("Groups with metrics", f"{shown} of {len(rows)}")
    if labelled:
        cells[2].metric(
            "Overall AUC",
            number(float(overall["subgroup_auc"])),
            help="How well the scores separate positive from negative posts over all posts.",
        )
        final = final_bias_metric(table, power=settings.config.power, overall_weight=settings.config.overall_weight)
        cells[3].metric(
            "Final bias metric",
            number(final, 4),
            help="Jigsaw 2019: 0.25 x overall AUC + 0.75 x the mean of the power means (p = -5) of "
            "subgroup, BPSN and BNSP AUC over the groups. 1 is perfect; the worst groups weigh most.",
        )
    else:
        cells[2].metric(
            "Flag rate", number(float(overall["flag_rate"])), help="Share of all posts flagged at the threshold."
        )
        ratios = rows["flag_rate_ratio"].to_numpy(dtype=float)
        worst = float(np.nanmax(ratios)) if np.isfinite(ratios).any() else float("nan")
        cells[3].metric(
            "Highest flag rate ratio",
            number(worst, 2),
            help="The group flagged most often relative to the other posts (1 = as often).",
        )
        st.info(
            "No label column chosen, so per-group accuracy cannot be measured. Shown instead: how often each "
            "group's posts are flagged compared with the other posts. Pick a label column for AUCs and error rates.",
            icon=":material/info:",
        )
    if groups.unmentioned:
        st.caption(render.escape_markdown(f"Not mentioned in any post (left out): {', '.join(groups.unmentioned)}."))


def _group_table(table: pd.DataFrame, settings: Settings, *, labelled: bool) -> None:
    st.subheader("Metrics per group")
    metrics = [m for m in METRIC_NAMES if m in table.columns]
    config: dict[str, object] = {
        "group": st.column_config.TextColumn("Group", pinned=True),
        "n": st.column_config.NumberColumn("Posts", help="Posts in the group (all posts on the overall row)."),
        "note": st.column_config.TextColumn("Note", width="large"),
    }
    if labelled:
        config["positives"] = st.column_config.NumberColumn("Positives")
        config["negatives"] = st.column_config.NumberColumn("Negatives")
    else:
        config["flagged"] = st.column_config.NumberColumn("Flagged")
    order = [c for c in ("group", "n", "positives", "negatives", "flagged") if c in table.columns]
    for metric in metrics:
        fmt = "%.2f" if metric == "flag_rate_ratio" else "%.3f"
        name = METRIC_NAMES[metric]
        low, high = ci_columns(metric)
        config[metric] = st.column_config.NumberColumn(name, help=METRIC_HELP[metric], format=fmt)
        config[low] = st.column_config.NumberColumn(f"{name} low", format=fmt, help="Lower end of the 95% interval.")
        config[high] = st.column_config.NumberColumn(f"{name} high", format=fmt, help="Upper end of the 95% interval.")
        order += [metric, low, high]
    order.append("note")
    with st.container(key="modlens.bias.table"):
        st.dataframe(table, hide_index=True, column_order=order, column_config=config)
    boot = settings.config.n_bootstrap
    intervals = f"low/high: 95% bootstrap interval ({boot:,} resamples). " if boot else "No intervals (0 resamples). "
    st.caption(
        f"{intervals}None means undefined: the group has fewer than {settings.config.min_group_size} posts "
        "or only one class (see the note)."
    )
    st.download_button(
        "Download the table (CSV)",
        data=to_csv_bytes(table),
        file_name=f"bias-{settings.label}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )


def _chart(figure: object, kind: str, good: str) -> None:
    """A chart in a keyed container, with one line saying what a good result looks like."""
    with st.container(key=f"modlens.bias.{kind}"):
        st.plotly_chart(figure, key=state.bias_chart_key(kind))
        st.caption(good)


def _labelled_charts(table: pd.DataFrame, config: BiasConfig) -> None:
    safe = plot_safe(table)
    st.subheader("AUC by group")
    _chart(
        bias_figures.auc_figure(safe),
        "auc",
        "Good: every bar is high (near 1) and close to the dashed overall AUC line. A low BPSN AUC means the "
        "group's harmless posts score like toxic ones; a low BNSP AUC means its toxic posts are missed.",
    )
    st.subheader("Error rates by group at the threshold")
    overall = table[table["group"] == OVERALL].iloc[0]
    st.caption(
        f"At threshold {config.threshold:.3f}: overall false positive rate {number(float(overall['fpr']))}, "
        f"false negative rate {number(float(overall['fnr']))}."
    )
    _chart(
        bias_figures.error_rate_figure(safe),
        "errors",
        "Good: both rates are low and about the same for every group. A group with a higher false positive "
        "rate gets harmless posts flagged more often.",
    )
    st.subheader("All metrics at a glance")
    _chart(
        heatmap_figure(table),
        "heatmap",
        "Good: no red cell. Colour is how much worse (red) or better (blue) than over all posts the group is "
        "(BPSN and BNSP AUC against the overall AUC); the number is the metric itself.",
    )


def _flag_rate_charts(table: pd.DataFrame) -> None:
    st.subheader("Flag rate by group")
    _chart(
        bias_figures.flag_rate_figure(plot_safe(table)),
        "flags",
        "Good: every ratio is close to 1 (the group is flagged about as often as other posts). Without labels "
        "a high ratio is a lead, not proof: the group's posts may really be more toxic.",
    )


def _matched_terms(scored: ScoredPosts, summary: np.ndarray, column: int) -> None:
    st.subheader("Identity terms found in the posts")
    table = matched_terms_table(scored, summary, column)
    st.caption(f"{len(table):,} of {len(scored):,} posts mention an identity term of the lexicon.")
    label = scored.labels[column]
    st.dataframe(
        table,
        key="modlens.bias.terms",
        column_config={
            "text": st.column_config.TextColumn("Post", width="large"),
            "identity_terms": st.column_config.TextColumn("Terms matched (group)"),
            f"score_{label}": st.column_config.ProgressColumn(
                f"Score {label}", format="%.3f", min_value=0.0, max_value=1.0
            ),
        },
        height="auto" if len(table) <= 10 else 360,
    )


# -- templated test ---------------------------------------------------------------------------------
def templates_section(model: Scorer, label: str, version: str) -> None:
    """The templated identity test: per term, the mean score of harmless sentences and the harmless/hostile AUC."""
    st.header("Templated identity test")
    st.caption(
        "The same harmless and hostile sentences (assets/identity_templates.csv) filled in with every identity "
        "term of the lexicon and scored by the model. It needs no data and is computed once per model version."
    )
    if label not in model.labels_:
        render.note(f"The active model has no label '{label}'; the templated test needs it.")
        return
    try:
        with st.spinner("Scoring the template sentences..."):
            result = templated_result(version, label, model)
    except ModLensError as exc:
        render.error(str(exc))
        return
    overall = result.by_term[result.by_term["group"] == OVERALL].iloc[0]
    cells = st.columns(3)
    cells[0].metric("Sentences", f"{len(result.sentences):,}")
    cells[1].metric("Mean score of harmless sentences", number(float(overall["mean_harmless"])))
    cells[2].metric("AUC hostile vs harmless", number(float(overall["auc"])))
    _chart(
        bias_figures.template_figure(result.by_group),
        "templates",
        "Good: short bars on the left (harmless sentences score low whatever the group) and long bars near 1 on "
        "the right (hostile sentences are told apart for every group). The groups at the top are the most "
        "penalised.",
    )
    st.subheader("Per term")
    st.dataframe(
        result.by_term,
        hide_index=True,
        key="modlens.bias.template_terms",
        column_config={
            "group": st.column_config.TextColumn("Group"),
            "term": st.column_config.TextColumn("Term filled in"),
            "terms": st.column_config.TextColumn("Lexicon terms"),
            "n_harmless": st.column_config.NumberColumn("Harmless sentences"),
            "n_hostile": st.column_config.NumberColumn("Hostile sentences"),
            "mean_harmless": st.column_config.ProgressColumn(
                "Mean score harmless", format="%.3f", min_value=0.0, max_value=1.0
            ),
            "mean_hostile": st.column_config.ProgressColumn(
                "Mean score hostile", format="%.3f", min_value=0.0, max_value=1.0
            ),
            "auc": st.column_config.NumberColumn("AUC", format="%.3f"),
        },
        height=360,
    )
    st.caption("Sorted by the mean score of harmless sentences, most penalised term first; the last row is overall.")


# -- identity swaps ---------------------------------------------------------------------------------
def counterfactual_section(data: str, scored: ScoredPosts, settings: Settings, model: Scorer, version: str) -> None:
    """Identity swaps: over the data, the mean absolute score change per group; for a chosen post, every swap."""
    st.header("Identity swaps")
    st.caption(
        "Each post that mentions an identity group is rescored with its identity terms replaced by another "
        "group's (e.g. 'muslims' by 'christians'). If only the identity changes, the score should not."
    )
    if settings.label not in model.labels_:
        render.note(f"The active model has no label '{settings.label}'; identity swaps need it.")
        return
    column = list(model.labels_).index(settings.label)
    texts = scored.posts.texts
    scores = scored.scores[:, settings.column].astype(float)
    matches = _identity_matches(data, texts)
    mentions = np.flatnonzero(matches.groups.to_numpy().any(axis=1))
    if mentions.size == 0:
        st.info(
            "No post mentions an identity term of the lexicon, so there is nothing to swap.", icon=":material/info:"
        )
        return
    rows = swap_rows(mentions)
    with st.spinner("Rescoring posts with swapped identity terms..."):
        swaps = data_swaps(data, settings.label, version, SWAP_MAX_POSTS, rows, texts, scores, model, column)
    mentioned = set(swaps["source_group"])
    gap = counterfactual_gap(swaps, groups=[g for g in lexicon().groups if g in mentioned])
    subset = (
        f"{len(rows):,} of {mentions.size:,} posts (a random sample)"
        if len(rows) < mentions.size
        else (f"all {mentions.size:,} posts")
    )
    st.subheader("Score change per group over the data")
    st.caption(f"Over {subset} that mention an identity group, one swap per other group.")
    _chart(
        bias_figures.counterfactual_figure(plot_safe(gap)),
        "swaps",
        "Good: every bar is near 0 (swapping the group's terms for another group's leaves the score as it was).",
    )
    st.dataframe(
        gap,
        hide_index=True,
        key="modlens.bias.swap_gap",
        column_config={
            "group": st.column_config.TextColumn("Group in the post"),
            "n_posts": st.column_config.NumberColumn("Posts"),
            "n_variants": st.column_config.NumberColumn("Swaps"),
            "mean_abs_change": st.column_config.NumberColumn("Mean |change|", format="%.3f"),
            "max_abs_change": st.column_config.NumberColumn("Largest |change|", format="%.3f"),
            "mean_change": st.column_config.NumberColumn(
                "Mean change",
                format="%+.3f",
                help="Negative: posts score lower once the group's terms are swapped out (the model penalises it).",
            ),
            "note": st.column_config.TextColumn("Note"),
        },
    )
    _post_panel(data, scored, settings, _terms_summary(data, matches), rows, swaps, model, column, version)


def _post_panel(
    data: str,
    scored: ScoredPosts,
    settings: Settings,
    summary: np.ndarray,
    swapped: np.ndarray,
    swaps: pd.DataFrame,
    model: Scorer,
    column: int,
    version: str,
) -> None:
    """Every swap of one chosen post, with the largest change.

    The post is picked among those rescored for the data-wide gap (``swapped``, at most
    :data:`SWAP_MAX_POSTS`) plus the post opened on the Score page, if it mentions a group.
    """
    st.subheader("Swaps of one post")
    options = [int(r) for r in swapped]
    opened = state.get(state.SELECTED_ROW)
    from_score_page = state.get(state.RESULT) is scored and opened is not None and 0 <= int(opened) < len(summary)
    if from_score_page and summary[int(opened)] and int(opened) not in options:
        options = sorted([*options, int(opened)])
    biggest = largest_changes(swaps)
    if from_score_page and int(opened) in options:
        default = int(opened)  # the post opened on the Score page
    elif not biggest.empty:
        default = int(biggest.loc[biggest["change"].abs().idxmax(), "post"])
    else:
        default = options[0]
    row = st.selectbox(
        "Post (those that mention an identity group)",
        options,
        index=options.index(default),
        format_func=lambda r: f"Post {r}: {summary[r]}",
        key=state.bias_data_key("swap_post", data),
        help="Starts at the post whose score changed most, or at the post opened on the Score page.",
    )
    text = scored.posts.texts[row]
    original = float(scored.scores[row, settings.column])
    with st.spinner("Rescoring the post with swapped identity terms..."):
        variants = post_swaps(text, original, settings.label, version, model, column)
    render.post_text(text)
    top = variants.iloc[0] if not variants.empty else None
    cells = st.columns(3)
    cells[0].metric(f"Score {render.escape_markdown(settings.label)}", f"{original:.3f}")
    if top is None:
        cells[1].metric("Largest change", "–")
        return
    cells[1].metric(
        "Largest change",
        f"{float(top['change']):+.3f}",
        help="Score after the swap minus the score of the post as written.",
    )
    cells[2].metric("Swaps", f"{len(variants):,}")
    st.caption(
        render.escape_markdown(
            f"Largest change: '{top['source_terms']}' ({top['source_group']}) swapped for "
            f"'{top['target_term']}' ({top['target_group']}), score {original:.3f} -> {float(top['score']):.3f}."
        )
    )
    shown = variants[["target_group", "target_term", "score", "change", "text"]]
    st.dataframe(
        shown,
        hide_index=True,
        key="modlens.bias.swap_post",
        column_config={
            "target_group": st.column_config.TextColumn("Swapped to group"),
            "target_term": st.column_config.TextColumn("Term"),
            "score": st.column_config.ProgressColumn("Score", format="%.3f", min_value=0.0, max_value=1.0),
            "change": st.column_config.NumberColumn("Change", format="%+.3f"),
            "text": st.column_config.TextColumn("Post after the swap", width="large"),
        },
        height=360,
    )
