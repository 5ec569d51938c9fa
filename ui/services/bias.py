"""The Bias page's computations: identity groups, per-group metrics, the templated test, identity swaps.

The metrics themselves live in :mod:`core.bias` (pure); here they are fed from
the session's scored posts and cached with ``st.cache_data``, keyed by
:func:`data_id` (the input and its scores), the settings and the model version.
No widgets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from core.bias import (
    BiasConfig,
    IdentityMatches,
    Lexicon,
    TemplateResult,
    bias_metrics,
    counterfactual_scores,
    flag_rate_metrics,
    load_lexicon,
    load_templates,
    match_identities,
    summarise_templates,
)
from core.bias.inputs import OVERALL
from core.bias.lexicon import normalise_term
from core.bias.templates import ScoreFn, fill_templates
from core.errors import ModLensError
from core.io.labels import parse_labels
from core.scoring import Scorer, score_texts
from core.store.roles import Permission
from ui.services import auth
from ui.services.results import ScoredPosts

POST = "post"
"""Index name of the tables that list posts by name."""
SWAP_MAX_POSTS = 500
"""Posts (with identity terms) rescored with swapped terms for the data-wide counterfactual gap."""
SWAP_MAX_CHARS = 5_000_000
"""Characters of swapped text rescored for the data-wide gap: long posts naming many groups stop there."""
POST_SWAP_MAX_CHARS = 2_000_000
"""Characters of swapped text rescored for one post (a long post naming every group has thousands of swaps)."""


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
        except ModLensError:
            continue
        if not np.isnan(values).all():
            found.append(column)
    return found


def guess_identity_columns(columns: Sequence[Hashable], lexicon: Lexicon) -> list[Hashable]:
    """Columns named like a lexicon group or term (``muslim``, ``female``, ``black``): the default choice."""
    names = set(lexicon.groups) | set(lexicon.forms)
    return [c for c in columns if normalise_term(str(c).replace("_", " ")) in names or str(c) in names]


def chart_rows(table: pd.DataFrame, min_size: int) -> pd.DataFrame:
    """Groups with metrics (at least ``min_size`` posts) and the overall row: what the charts show."""
    keep = (table["n"] >= min_size) | (table["group"] == OVERALL)
    return table[keep].reset_index(drop=True)


def matched_terms_table(scored: ScoredPosts, summary: np.ndarray, column: int) -> pd.DataFrame:
    """Posts that mention an identity term: text, the terms matched (``term (group)``) and the score.

    The index is the post's name (the file's id, else its 1-based row number), called ``post``.

    ``summary`` is :meth:`core.bias.IdentityMatches.summary` as an array (``''`` where no term matched).
    """
    rows = np.flatnonzero(summary != "")
    label = scored.labels[column]
    return pd.DataFrame(
        {
            "text": [scored.posts.texts[i] for i in rows],
            "identity_terms": summary[rows],
            f"score_{label}": scored.scores[rows, column].astype(float),
        },
        index=pd.Index([scored.name_of(int(i)) for i in rows], name=POST),
    )


def swap_rows(mentions: np.ndarray, limit: int = SWAP_MAX_POSTS, seed: int = 0) -> np.ndarray:
    """The posts rescored for the data-wide gap: all that mention a group, or a seeded sample of ``limit``."""
    if mentions.shape[0] <= limit:
        return mentions
    return np.sort(np.random.default_rng(seed).choice(mentions, size=limit, replace=False))


def swapped_posts(swaps: pd.DataFrame) -> int:
    """Posts that got at least one swap in :func:`data_swaps` (fewer than asked once the budget is spent)."""
    return int(swaps["post"].nunique())


# -- cached computations ----------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def lexicon() -> Lexicon:
    """The project's identity lexicon (``assets/identity_terms.csv``), compiled once per server."""
    return load_lexicon()


@st.cache_data(show_spinner=False, max_entries=8)
def identity_matches(data: str, _texts: Sequence[str]) -> IdentityMatches:
    """Lexicon groups and terms of every post (cached per input)."""
    return match_identities(_texts, lexicon())


@st.cache_data(show_spinner=False, max_entries=8)
def terms_summary(data: str, _matches: IdentityMatches) -> np.ndarray:
    """Per post, the identity terms matched, e.g. ``'muslims (muslim); women (women)'``."""
    return _matches.summary().to_numpy(dtype=object)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_label_like_columns(data: str, _frame: pd.DataFrame, text_col: str) -> list[Hashable]:
    """:func:`label_like_columns` of the input, cached (parsing every column of a large file takes a while)."""
    return label_like_columns(_frame, exclude=[text_col])


@st.cache_data(show_spinner=False, max_entries=32)
def _metrics_table_cached(
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
    """:func:`_metrics_table_cached`, once the session's actor may run bias reports."""
    auth.require(Permission.BIAS)
    return _metrics_table_cached(
        data, label, truth_col, group_key, threshold, n_bootstrap, min_group_size, version, _truth, _scores, _groups
    )


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
def _templated_result_cached(version: str, label: str, _model: Scorer) -> TemplateResult:
    """The templated identity test of one label, cached per model version."""
    sentences = _template_sentences(version, _model)
    scored = sentences.drop(columns=[c for c in sentences.columns if c.startswith("score_")])
    scored["score"] = sentences[f"score_{label}"]
    return TemplateResult(
        sentences=scored,
        by_term=summarise_templates(scored, by="term"),
        by_group=summarise_templates(scored, by="group"),
    )


def templated_result(version: str, label: str, _model: Scorer) -> TemplateResult:
    """The templated identity test of one label (cached), once the session's actor may run bias reports."""
    auth.require(Permission.BIAS)
    return _templated_result_cached(version, label, _model)


def _score_fn(model: Scorer, column: int) -> ScoreFn:
    """The model reduced to one label, for the identity-swap probes."""

    def score(texts: list[str]) -> np.ndarray:
        return score_texts(model, texts)[:, column].astype(np.float64)

    return score


@st.cache_data(show_spinner=False, max_entries=8)
def _data_swaps_cached(
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
    """Identity-swap variants of up to ``limit`` posts, scored; ``post`` is the post's row in the input.

    At most :data:`SWAP_MAX_CHARS` characters of swapped text are rescored: posts past that budget get no
    variants (see :func:`swapped_posts`).
    """
    texts = [_texts[i] for i in _rows]
    scored = counterfactual_scores(
        texts,
        _score_fn(_model, _column),
        lexicon(),
        original_scores=_scores[_rows],
        terms_per_group=1,
        max_chars=SWAP_MAX_CHARS,
    )
    scored["post"] = _rows[scored["post"].to_numpy(dtype=np.intp)]
    return scored


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
    """Identity-swap variants of up to ``limit`` posts (cached), once the session's actor may run bias reports."""
    auth.require(Permission.BIAS)
    return _data_swaps_cached(data, label, version, limit, _rows, _texts, _scores, _model, _column)


@st.cache_data(show_spinner=False, max_entries=64)
def _post_swaps_cached(text: str, score: float, label: str, version: str, _model: Scorer, _column: int) -> pd.DataFrame:
    """Every identity-swap variant of one post (all terms of every other group), scored.

    At most :data:`POST_SWAP_MAX_CHARS` characters of swapped text are rescored.
    """
    return counterfactual_scores(
        [text],
        _score_fn(_model, _column),
        lexicon(),
        original_scores=[score],
        terms_per_group=None,
        max_chars=POST_SWAP_MAX_CHARS,
    )


def post_swaps(text: str, score: float, label: str, version: str, _model: Scorer, _column: int) -> pd.DataFrame:
    """Every identity-swap variant of one post (cached), once the session's actor may run bias reports."""
    auth.require(Permission.BIAS)
    return _post_swaps_cached(text, score, label, version, _model, _column)
