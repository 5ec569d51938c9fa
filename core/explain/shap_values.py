"""Token attributions with SHAP's Partition explainer over the raw-string model.

The classifier takes raw strings, so the explained function is simply
``list[str] -> probabilities``: SHAP's Text masker deletes tokens from the post
and the model scores what is left. (SHAP's DeepExplainer does not work on Keras 3
LSTMs, and a model-agnostic explainer needs no access to the network.) The
result is a tidy table with one row per token, label and post, whose values add
up to the model score minus the base value (the score with every token removed).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse
import shap

from core.explain.config import ExplainConfig
from core.explain.predict import PredictFn, label_indexes, predict
from core.explain.progress import CancelFlag, ProgressFn, cancelled, report
from core.explain.tokens import Span, SpanTokenizer, keep_tokens, remove_spans, split_at_spans, token_spans

TOKEN_COLUMNS = ["post_id", "label", "token", "start", "end", "value"]
PRIME_CHUNK = 64
"""Posts whose full and empty versions are scored together in one batch."""
POST_COLUMNS = ["post_id", "label", "score", "base_value", "n_tokens", "n_explained", "token_cap"]


@dataclass(frozen=True)
class Attributions:
    """Token attributions for a set of posts.

    Attributes
    ----------
    tokens
        One row per (post, label, token): ``post_id``, ``label``, ``token``,
        ``start``, ``end`` (characters of the original text, so
        ``text[start:end] == token``) and ``value`` (SHAP value).
    posts
        One row per (post, label): ``score`` (model probability),
        ``base_value`` (score with all explained tokens removed), ``n_tokens``,
        ``n_explained`` (fewer when the post has more than ``token_cap``
        tokens) and ``token_cap`` (``ExplainConfig.max_tokens``: the most words
        explained per post, for cost). Per post and label,
        ``sum(value) == score - base_value``.
    cancelled
        True when the run was stopped early; the tables hold the posts finished.
    notes
        Things to show with the result, e.g. that a very long post was explained
        from its first ``ExplainConfig.max_chars`` characters only.

    """

    tokens: pd.DataFrame
    posts: pd.DataFrame
    cancelled: bool = False
    notes: tuple[str, ...] = ()

    def for_post(self, post_id: Any, label: str) -> pd.DataFrame:
        """Token rows of one post and label, in text order."""
        rows = self.tokens[(self.tokens["post_id"] == post_id) & (self.tokens["label"] == label)]
        return rows.sort_values("start").reset_index(drop=True)


class DeletionTextMasker(shap.maskers.Text):
    """SHAP text masker that deletes masked tokens from the original string.

    SHAP's own Text masker rebuilds the string from segments, collapses
    whitespace and inserts ``...`` for masked runs, which glues the mask onto the
    next word. This masker keeps the post exactly as written and only cuts out
    the masked tokens, so "token absent" means the same here as in occlusion and
    faithfulness. Tokens after ``max_tokens`` are never masked.
    """

    def __init__(self, max_tokens: int) -> None:
        # "mask" only satisfies the parent's set-up; __call__ never inserts it.
        super().__init__(SpanTokenizer(max_tokens=max_tokens), mask_token="mask", collapse_mask_token=False)
        self._max_tokens = max_tokens
        self._pieces_for: tuple[str, tuple[list[str], list[str]]] | None = None

    def _pieces(self, text: str) -> tuple[list[str], list[str]]:
        """Explained tokens of ``text`` and the text between them (cached for the post being explained)."""
        if self._pieces_for is None or self._pieces_for[0] != text:
            self._pieces_for = (text, split_at_spans(text, token_spans(text)[: self._max_tokens]))
        return self._pieces_for[1]

    def __call__(self, mask: Any, s: str) -> tuple[np.ndarray]:
        """Return the post with the tokens where ``mask`` is False deleted."""
        keep = np.asarray(self._standardize_mask(mask, s), dtype=bool).tolist()
        tokens, gaps = self._pieces(s)
        return (np.array([keep_tokens(tokens, gaps, keep)], dtype=object),)


@contextlib.contextmanager
def _seeded(seed: int | None) -> Iterator[None]:
    """Seed NumPy's global generator (used by SHAP for tie-breaks), then restore it."""
    if seed is None:
        yield
        return
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


class _CachedModel:
    """The function SHAP explains: strings to the chosen label columns, with a score cache.

    SHAP scores each post twice on its own (as written and with every word
    removed). Scoring those for many posts in one batched call beforehand
    (:meth:`prime`) saves two model calls per post, a real share of a post's
    time with a small model. Duplicate texts within a call are scored once.
    """

    def __init__(self, predict_fn: PredictFn, n_labels: int, columns: list[int], batch_size: int) -> None:
        self._predict_fn = predict_fn
        self._n_labels = n_labels
        self._columns = columns
        self._batch_size = batch_size
        self._cache: dict[str, np.ndarray] = {}

    def _score(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Score distinct ``texts`` in batches; map each text to its row."""
        scores = predict(self._predict_fn, texts, self._n_labels, batch_size=self._batch_size)[:, self._columns]
        return dict(zip(texts, scores, strict=True))

    def prime(self, texts: Sequence[str]) -> None:
        """Score and keep ``texts`` for later calls."""
        todo = [text for text in dict.fromkeys(texts) if text not in self._cache]
        if todo:
            self._cache.update(self._score(todo))

    def forget(self, texts: Sequence[str]) -> None:
        """Drop ``texts`` from the cache."""
        for text in texts:
            self._cache.pop(text, None)

    def __call__(self, masked: Any) -> np.ndarray:
        """Scores ``(n, k)`` of an array or list of ``n`` strings."""
        texts = [str(text) for text in np.asarray(masked, dtype=object).reshape(-1)]
        if not texts:
            return np.zeros((0, len(self._columns)))
        missing = [text for text in dict.fromkeys(texts) if text not in self._cache]
        fresh = self._score(missing) if missing else {}
        return np.stack([self._cache[text] if text in self._cache else fresh[text] for text in texts])


class _DensePartition(shap.explainers.PartitionExplainer):
    """SHAP's Partition explainer with its mask matrix made dense before the Owen recursion.

    SHAP 0.51 keeps the cluster masks in a SciPy sparse matrix and reads one row
    per tree node; those row lookups cost about 50 ms per 50-word post, a third
    of the time. A dense boolean matrix (``(2M - 1) x M``) gives the same values.
    """

    def owen(self, fm: Any, *args: Any, **kwargs: Any) -> Any:
        """Densify the mask matrix, then run SHAP's Owen recursion unchanged."""
        if scipy.sparse.issparse(self._mask_matrix):
            self._mask_matrix = self._mask_matrix.toarray()
        return super().owen(fm, *args, **kwargs)


def _explain_one(
    text: str,
    spans: list[Span],
    score: np.ndarray,
    explainer: Any,
    model: Any,
    config: ExplainConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """SHAP values ``(n_explained, k)`` and base values ``(k,)`` for one post."""
    n = min(len(spans), config.max_tokens)
    if n == 0:
        return np.zeros((0, len(score))), score.copy()
    if n == 1:
        # Exact Shapley value of a single player; SHAP's partition tree needs two.
        base = model([remove_spans(text, spans, [0])])[0]
        return (score - base).reshape(1, -1), base
    with _seeded(config.seed):
        result = explainer(
            [text],
            max_evals=config.max_evals,
            batch_size=config.batch_size,
            fixed_context=config.fixed_context,
            silent=True,
        )
    values = np.asarray(result.values[0], dtype=np.float64).reshape(n, -1)
    base = np.asarray(result.base_values[0], dtype=np.float64).reshape(-1)
    return values, base


def explain_texts(
    texts: Sequence[str],
    predict_fn: PredictFn,
    labels: Sequence[str],
    *,
    post_ids: Sequence[Any] | None = None,
    label: str | Sequence[str] | None = None,
    config: ExplainConfig | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFlag | None = None,
) -> Attributions:
    """Explain each post's scores with SHAP token attributions.

    Parameters
    ----------
    texts
        Posts as written (``None`` or non-strings are read as text; use ``''``
        for missing).
    predict_fn
        ``list[str] -> (n, len(labels))`` probabilities, e.g. a model's
        ``predict_proba``.
    labels
        Names of the model's output columns.
    post_ids
        Identifier of each post in the result (default: position 0..n-1).
    label
        A label name or list of names to explain; all labels when None. All
        chosen labels are explained together from the same model calls.
    config
        Evaluation budget and caps; :class:`ExplainConfig` defaults if None.
    progress
        ``progress(done, total)`` after each post; returning ``False`` stops.
    cancel
        Object with ``is_set()``; when set, the run stops before the next post.

    Returns
    -------
    Attributions
        Token table and per-post summary (see :class:`Attributions`).

    """
    config = config or ExplainConfig()
    texts = ["" if text is None else str(text) for text in texts]
    ids = list(range(len(texts))) if post_ids is None else list(post_ids)
    if len(ids) != len(texts):
        raise ValueError(f"Got {len(ids)} post ids for {len(texts)} texts.")  # a caller's bug, not the user's
    notes = tuple(
        cut_note(post_id, len(text), config.max_chars)
        for post_id, text in zip(ids, texts, strict=True)
        if len(text) > config.max_chars
    )
    texts = [text[: config.max_chars] for text in texts]
    columns = label_indexes(labels, label)
    names = [labels[c] for c in columns]
    model = _CachedModel(predict_fn, len(labels), columns, 2 * config.batch_size)
    explainer = _DensePartition(model, DeletionTextMasker(config.max_tokens))

    token_parts: list[pd.DataFrame] = []
    post_rows: list[dict[str, Any]] = []
    stopped = False
    total = len(texts)
    for done, (post_id, text) in enumerate(zip(ids, texts, strict=True)):
        if cancelled(cancel):
            stopped = True
            break
        if done % PRIME_CHUNK == 0:
            model.prime(_full_and_empty(texts[done : done + PRIME_CHUNK], config.max_tokens))
        spans = token_spans(text)
        score = model([text])[0]
        values, base = _explain_one(text, spans, score, explainer, model, config)
        model.forget([text, remove_spans(text, spans, range(min(len(spans), config.max_tokens)))])
        n = values.shape[0]
        for j, name in enumerate(names):
            post_rows.append(
                {
                    "post_id": post_id,
                    "label": name,
                    "score": float(score[j]),
                    "base_value": float(base[j]),
                    "n_tokens": len(spans),
                    "n_explained": n,
                    "token_cap": config.max_tokens,
                }
            )
            if n:
                token_parts.append(
                    pd.DataFrame(
                        {
                            "post_id": [post_id] * n,
                            "label": name,
                            "token": [text[a:b] for a, b in spans[:n]],
                            "start": [a for a, _ in spans[:n]],
                            "end": [b for _, b in spans[:n]],
                            "value": values[:, j],
                        }
                    )
                )
        if not report(progress, done + 1, total):
            stopped = done + 1 < total
            break
    return Attributions(tokens=_token_frame(token_parts), posts=_post_frame(post_rows), cancelled=stopped, notes=notes)


def cut_note(post_id: Any, length: int, max_chars: int) -> str:
    """The note for a post of ``length`` characters, longer than the ``max_chars`` the explainer reads."""
    return (
        f"Post {post_id} has {length:,} characters; only its first {max_chars:,} characters were explained "
        "(each masked copy SHAP scores is a copy of the text)."
    )


def _full_and_empty(texts: Sequence[str], max_tokens: int) -> list[str]:
    """Each text as written and with its (first ``max_tokens``) words removed."""
    out = list(texts)
    for text in texts:
        spans = token_spans(text)[:max_tokens]
        out.append(remove_spans(text, spans, range(len(spans))))
    return out


def explain_text(
    text: str,
    predict_fn: PredictFn,
    labels: Sequence[str],
    *,
    label: str | Sequence[str] | None = None,
    config: ExplainConfig | None = None,
) -> Attributions:
    """Explain one post (post id 0); see :func:`explain_texts`."""
    return explain_texts([text], predict_fn, labels, label=label, config=config)


def _token_frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate per-post token tables into one with fixed columns and dtypes."""
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({column: [] for column in TOKEN_COLUMNS})
    return frame.astype({"label": str, "token": str, "start": "int64", "end": "int64", "value": "float64"})[
        TOKEN_COLUMNS
    ]


def _post_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Per-post summary rows as a table with fixed columns and dtypes."""
    frame = pd.DataFrame(rows, columns=POST_COLUMNS)
    types = {"label": str, "score": "float64", "base_value": "float64", "n_tokens": "int64", "n_explained": "int64"}
    return frame.astype({**types, "token_cap": "int64"})
