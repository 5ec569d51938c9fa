"""The Explain page's computations for one post, cached across pages, sessions and runs.

One post's attributions, occlusion and faithfulness are cached with
``st.cache_data`` keyed by the post's text, the model version
(:func:`ui.services.models.model_version`) and the explanation settings, so a post
is explained once per model, whichever page, session or run asks for it. The
global view over many posts (:mod:`ui.services.global_explanations`) fills and
reuses the same cache.

No widgets here; the sections in :mod:`ui.sections.explain` draw the page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from core.explain import (
    Attributions,
    ExplainConfig,
    PredictFn,
    explain_text,
    occlusion_scores,
    post_faithfulness,
    remove_spans,
    summarize_faithfulness,
    token_spans,
    what_if,
)
from core.explain.predict import predict
from core.explain.shap_values import cut_note
from core.store.roles import Permission
from ui.services import auth

CONFIG = ExplainConfig()
"""Explanation settings of the dashboard (SHAP's defaults from :mod:`core.explain.config`)."""
FAITHFULNESS_KS = (1, 3, 5)
"""Numbers of words removed in the faithfulness check of one post."""
OCCLUSION_MAX_TOKENS = 512
"""Posts with more words get no all-words occlusion table (one model call per word); a picked word still works."""
OCCLUSION_MAX_CHARS = CONFIG.max_chars
"""Longer posts get no all-words occlusion table either: each word's variant is a copy of the whole post.

Without this bound a 6 MB post of 300 words built 1.5 GB of text per model call; a
picked word still works (two copies), as for posts of many words."""
POST_CACHE_ENTRIES = 5_000
"""Posts whose attributions are kept (a few kB each)."""
CACHE_SECONDS = 6 * 3600
"""Explanations not asked for in this long are dropped."""


# -- one post ---------------------------------------------------------------------------------
def settings_key(config: ExplainConfig = CONFIG) -> tuple:
    """The settings as a hashable cache-key part."""
    return dataclasses.astuple(config)


class _NotCachedError(Exception):
    """Raised inside :func:`_post_cache` to look a post up without explaining it (exceptions are not cached)."""


def _not_cached() -> Any:
    """The ``_compute`` of a pure cache look-up."""
    raise _NotCachedError


@st.cache_data(show_spinner=False, max_entries=POST_CACHE_ENTRIES, ttl=CACHE_SECONDS)
def _post_cache(text: str, version: str, settings: tuple, _compute: Callable[[], Attributions]) -> Attributions:
    """Attributions of one post (post id 0), keyed by text, model version and settings.

    ``_compute`` makes them on a miss: SHAP for the single-post view, a slice
    of a finished global run when seeding, or a raise for a pure look-up.
    """
    return _compute()


def explain_post(
    text: str, predict_fn: PredictFn, labels: Sequence[str], version: str, config: ExplainConfig = CONFIG
) -> Attributions:
    """SHAP attributions of one post for every label (post id 0), cached; the session must be allowed to explain."""
    auth.require(Permission.EXPLAIN)
    return attributions_of(text, predict_fn, labels, version, config)


def attributions_of(
    text: str, predict_fn: PredictFn, labels: Sequence[str], version: str, config: ExplainConfig = CONFIG
) -> Attributions:
    """:func:`explain_post` without the role check: for jobs of the queue, checked when they were queued.

    A job runs in a worker thread, outside any session, so it cannot check a role.
    """

    def compute() -> Attributions:
        return explain_text(text, predict_fn, list(labels), config=config)

    return _post_cache(text, version, settings_key(config), _compute=compute)


def cached_post(text: str, version: str, config: ExplainConfig = CONFIG) -> Attributions | None:
    """The cached attributions of ``text``, or None when it was not explained yet."""
    try:
        return _post_cache(text, version, settings_key(config), _compute=_not_cached)
    except _NotCachedError:
        return None


def remember_post(text: str, version: str, attributions: Attributions, config: ExplainConfig = CONFIG) -> None:
    """Put one post's attributions (any post id; stored as 0) into the per-post cache.

    Its notes are those of the post as explained alone (a post longer than ``config.max_chars``
    says it was explained from its start), whatever run the attributions came from.
    """
    notes = (cut_note(0, len(text), config.max_chars),) if len(text) > config.max_chars else ()
    stored = dataclasses.replace(with_post_id(attributions, 0), notes=notes)
    _post_cache(text, version, settings_key(config), _compute=lambda: stored)


def with_post_id(attributions: Attributions, post_id: int) -> Attributions:
    """A copy of one post's attributions under another post id."""
    tokens = attributions.tokens.assign(post_id=post_id)
    posts = attributions.posts.assign(post_id=post_id)
    return Attributions(tokens=tokens, posts=posts, cancelled=attributions.cancelled, notes=attributions.notes)


@st.cache_data(show_spinner=False, max_entries=256, ttl=CACHE_SECONDS)
def _scores_cache(
    text: str, version: str, labels: tuple[str, ...], _compute: Callable[[], dict[str, float]]
) -> dict[str, float]:
    return _compute()


def explained_in_part(text: str, config: ExplainConfig = CONFIG) -> bool:
    """Whether only the start of ``text`` is explained (it is longer than ``config.max_chars``)."""
    return len(text) > config.max_chars


def whole_post_scores(text: str, predict_fn: PredictFn, labels: Sequence[str], version: str) -> dict[str, float]:
    """Each label's score of the whole post, as it was scored (cached); the session must be allowed to explain.

    The attributions of a post longer than ``CONFIG.max_chars`` add up to the score of its
    start, which can differ from the post's own score (the one in the table, that decides
    the flag): the page shows this one.
    """
    auth.require(Permission.EXPLAIN)
    names = tuple(labels)

    def compute() -> dict[str, float]:
        scores = predict(predict_fn, [text], len(names))[0]
        return {name: float(score) for name, score in zip(names, scores, strict=True)}

    return _scores_cache(text, version, names, _compute=compute)


@st.cache_data(show_spinner=False, max_entries=256, ttl=CACHE_SECONDS)
def _occlusion_cache(
    text: str, version: str, labels: tuple[str, ...], _compute: Callable[[], pd.DataFrame | None]
) -> pd.DataFrame | None:
    return _compute()


def occlusion_table(text: str, version: str, labels: tuple[str, ...], predict_fn: PredictFn) -> pd.DataFrame | None:
    """Score of ``text`` without each word (:func:`core.explain.occlusion_scores`); None for very long posts.

    Very long: more than :data:`OCCLUSION_MAX_TOKENS` words or :data:`OCCLUSION_MAX_CHARS` characters.
    """

    def compute() -> pd.DataFrame | None:
        if len(text) > OCCLUSION_MAX_CHARS or len(token_spans(text)) > OCCLUSION_MAX_TOKENS:
            return None
        return occlusion_scores(text, predict_fn, list(labels))

    return _occlusion_cache(text, version, labels, _compute=compute)


def cached_occlusion(text: str, version: str, labels: tuple[str, ...]) -> tuple[bool, pd.DataFrame | None]:
    """``(found, table)``: the cached :func:`occlusion_table` of ``text``, if it was computed."""
    try:
        return True, _occlusion_cache(text, version, labels, _compute=_not_cached)
    except _NotCachedError:
        return False, None


def without_word(text: str, index: int, predict_fn: PredictFn, labels: Sequence[str]) -> pd.DataFrame:
    """Scores of ``text`` with and without its word number ``index``.

    The same deletion as occlusion, for posts too long for :func:`occlusion_table`.
    Columns ``label``, ``original``, ``edited`` (without the word) and ``change``.
    The session must be allowed to explain.
    """
    auth.require(Permission.EXPLAIN)
    spans = token_spans(text)
    return what_if(text, remove_spans(text, spans, [index]), predict_fn, list(labels))


AS_WRITTEN = "as written"
"""Column of :func:`edit_scores` with the scores of the post as written (personal data not hidden)."""


def edit_scores(
    original: str, edited: str, predict_fn: PredictFn, labels: Sequence[str], *, written: str | None = None
) -> pd.DataFrame:
    """Scores of a text and of an edit of it (:func:`core.explain.what_if`); the session must be allowed to explain.

    Parameters
    ----------
    original
        The unedited text the editor started from (the post as shown, personal data hidden
        or not): ``change`` is measured against it, so it is the effect of the edit only.
    edited
        The edited text.
    predict_fn, labels
        The model's scoring function and its labels.
    written
        The post as written, when ``original`` is another text (its personal data hidden):
        its scores are added as column :data:`AS_WRITTEN`, for reference only.

    Returns
    -------
    pandas.DataFrame
        Columns ``label``, ``original``, ``edited`` and ``change = edited - original``,
        then :data:`AS_WRITTEN` when ``written`` differs from ``original``.

    """
    auth.require(Permission.EXPLAIN)
    changes = what_if(original, edited, predict_fn, list(labels))
    if written is not None and written != original:
        changes[AS_WRITTEN] = what_if(written, original, predict_fn, list(labels))["original"].to_numpy()
    return changes


@st.cache_data(show_spinner=False, max_entries=256, ttl=CACHE_SECONDS)
def _faithfulness_cache(
    text: str, version: str, settings: tuple, labels: tuple[str, ...], _compute: Callable[[], pd.DataFrame]
) -> pd.DataFrame:
    return _compute()


def faithfulness_summary(
    text: str,
    version: str,
    settings: tuple,
    labels: tuple[str, ...],
    predict_fn: PredictFn,
    attributions: Attributions,
) -> pd.DataFrame:
    """Score drop removing the top-k versus k random words of one post, per label and k (cached).

    ``attributions`` are the post's (cached) attributions for ``settings``, so
    text, model version and settings identify the result. The words are removed from
    the text that was explained (its first ``max_chars`` characters), whose score the
    attributions add up to: removing them from a longer post would copy all of it for
    every variant scored, and judge the attributions against another score.
    """
    explained = text[: ExplainConfig(*settings).max_chars]

    def compute() -> pd.DataFrame:
        parts = []
        for label in labels:
            rows = attributions.for_post(0, label)
            parts.append(post_faithfulness(explained, rows, predict_fn, list(labels), label, ks=FAITHFULNESS_KS))
        parts = [part for part in parts if len(part)]
        if not parts:
            return summarize_faithfulness(pd.DataFrame())
        return summarize_faithfulness(pd.concat(parts, ignore_index=True))

    return _faithfulness_cache(text, version, settings, labels, _compute=compute)


def cached_faithfulness(text: str, version: str, settings: tuple, labels: tuple[str, ...]) -> pd.DataFrame | None:
    """The cached :func:`faithfulness_summary` of ``text``, or None."""
    try:
        return _faithfulness_cache(text, version, settings, labels, _compute=_not_cached)
    except _NotCachedError:
        return None
