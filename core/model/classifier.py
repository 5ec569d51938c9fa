"""The ModLens classifier: a Keras LSTM with a scikit-learn style interface.

>>> clf = ToxicityClassifier(labels=["toxic", "hate"]).fit(texts, y)   # doctest: +SKIP
>>> clf.predict_proba(["you are lovely"])                              # doctest: +SKIP
array([[0.02, 0.00]], dtype=float32)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import ConfigError, InputError, ModelError, ModLensError, NotFittedError
from core.io.encoding import without_lone_surrogates
from core.model import artifact, network, vocabulary, windows
from core.model.compiled import CompiledScoring
from core.model.config import ModelConfig, preset
from core.model.fitting import TrainingCancelled, fit_network
from core.model.labels import DEFAULT_LABELS
from core.model.network import keras, tf
from core.model.progress import ProgressCallback, TrainingProgress
from core.model.thresholds import best_f1_thresholds

__all__ = [
    "LONG_POST_RULES",
    "SCORING_BATCH",
    "SMALL_BATCH",
    "NotFittedError",
    "ToxicityClassifier",
    "TrainingCancelled",  # raised by fit; defined with every other user-facing error in core.errors
    "TrainingProgress",
]

SCORING_BATCH = 1_024
"""Posts per call of the compiled scoring function: small enough for tight length buckets
(1,024 measured about 1.5x faster than 4,096 on 2 cores)."""
SMALL_BATCH = 256
"""Up to this many posts are scored in one call without sorting into length buckets."""
_LENGTH_STEP = 8
_CHUNK = 16_384
"""Posts vectorised and windowed together: memory stays flat however many posts one call gets."""
LONG_POST_RULES = ("windows", "first")
"""How posts longer than one window are scored: every window, best score (default); or the first window only."""


class ToxicityClassifier:
    """Multi-label LSTM text classifier with ``fit`` / ``predict_proba`` / ``save`` / ``load``.

    Parameters
    ----------
    labels
        Names of the outputs, e.g. ``("toxic", "hate")``.
    config
        Hyper-parameters; defaults to the ``default`` preset.

    Attributes
    ----------
    model_ : keras.Model
        String-input Keras model (``TextVectorization`` inside).
    labels_ : list of str
        Output names, in column order of :meth:`predict_proba`.
    thresholds_ : dict of str to float
        Per-label decision threshold, chosen on validation data (max F1).
    history_ : list of dict
        Per-epoch training loss and validation AUC.
    validation_metrics_ : dict
        Validation ROC AUC and F1 at the threshold, per label.

    """

    long_posts: str = "windows"
    """One of :data:`LONG_POST_RULES`; ``"first"`` reads only the first ``sequence_length`` tokens (faster)."""

    def __init__(self, labels: Sequence[str] = DEFAULT_LABELS, config: ModelConfig | None = None) -> None:
        self.labels = tuple(labels)
        self.config = config or preset("default")

    # -- fitting -----------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: np.ndarray | Sequence[Sequence[float]],
        *,
        validation: tuple[Sequence[str], np.ndarray] | None = None,
        validation_groups: Sequence[str] | None = None,
        sample_weight: np.ndarray | None = None,
        calibration: tuple[Sequence[str], np.ndarray] | None = None,
        progress: ProgressCallback | None = None,
        sample_groups: Sequence[str] | None = None,
    ) -> ToxicityClassifier:
        """Train on ``texts`` with a label matrix (posts x labels; NaN where unknown).

        When ``validation`` is None a seeded share of the data is held out for early
        stopping (on mean validation ROC AUC) and for choosing thresholds.
        ``validation_groups`` (one name per validation text, such as its dataset)
        makes early stopping use the mean of each group's validation AUC, the way
        models are judged across datasets, so the largest dataset and score offsets
        between datasets do not decide. ``sample_weight`` (one per text) scales each
        post's share of the loss. With a calibrated config (``config.calibrated``) each label's
        temperature is fitted on ``calibration`` (posts and labels; default: the validation
        data), and the thresholds are chosen there too, on the calibrated scores.
        ``sample_groups`` (one name per text, such as its dataset) gives each group a
        learned offset to each label's logit while training, which the saved model
        does not have (:class:`~core.model.fitting.GroupOffsets`).
        """
        config = self.config
        texts = _clean_texts(texts, config.max_chars)
        y = _label_matrix(labels, len(texts), len(self.labels))
        weights = np.ones(len(texts), np.float32) if sample_weight is None else np.asarray(sample_weight, np.float32)
        if weights.shape != (len(texts),) or not (np.isfinite(weights) & (weights >= 0)).all():
            raise ModLensError(f"sample_weight needs one finite, non-negative weight per text ({len(texts)}).")
        group_ids = None
        if sample_groups is not None:
            if len(sample_groups) != len(texts):
                raise ModLensError(f"sample_groups needs one group per text ({len(texts)}).")
            group_names, group_ids = np.unique(np.asarray(list(sample_groups), dtype=str), return_inverse=True)
            group_ids = group_ids.astype(np.int32)
        if validation is None:
            train_idx, val_idx = _split(y, config.validation_fraction, config.seed)
            val_texts, y_val = [texts[i] for i in val_idx], y[val_idx]
            texts, y, weights = [texts[i] for i in train_idx], y[train_idx], weights[train_idx]
            group_ids = None if group_ids is None else group_ids[train_idx]
        else:
            val_texts = _clean_texts(validation[0], config.max_chars)
            y_val = _label_matrix(validation[1], len(val_texts), len(self.labels), check_classes=False)
        if validation_groups is not None and (validation is None or len(validation_groups) != len(val_texts)):
            raise ModLensError("validation_groups needs validation data and one group per validation text.")
        keras.utils.set_random_seed(config.seed)
        vectorizer = network.build_vectorizer(config)
        vectorizer.adapt(tf.constant(texts, dtype=tf.string), batch_size=4096)
        adapted = vectorizer.get_vocabulary()
        if len(savable := vocabulary.savable_vocabulary(adapted)) < len(adapted):
            vectorizer.set_vocabulary(savable)
        layers = network.build_token_layers(config, len(self.labels))
        self.model_ = network.assemble(vectorizer, layers)
        self.labels_ = list(self.labels)
        self._scorer = None
        tokens = self._vectorize(texts)
        val_tokens = self._vectorize(val_texts)
        groups = None if validation_groups is None else np.asarray(validation_groups, dtype=object)
        self.history_ = fit_network(
            network.token_part(self.model_),
            config,
            (tokens, y, weights),
            (val_tokens, y_val, groups),
            score_validation=self._score_with_new_weights,
            progress=progress,
            groups=group_ids,
        )
        for epoch in self.history_ if group_ids is not None else []:
            # offsets by set name and label, as the metadata records them (a set left wholly in a drawn
            # validation share, if last, has no row)
            epoch["group_offsets"] = {
                str(name): dict(zip(self.labels_, map(float, row), strict=True))
                for name, row in zip(group_names, epoch["group_offsets"], strict=False)
            }
        self._scorer = None
        if calibration is not None:
            cal_texts = _clean_texts(calibration[0], config.max_chars)
            cal_tokens = self._vectorize(cal_texts)
            y_cal = _label_matrix(calibration[1], len(cal_texts), len(self.labels), check_classes=False)
        else:
            cal_tokens, y_cal = val_tokens, y_val
        self.calibration_ = self._calibrate(cal_tokens, y_cal) if config.calibrated else {}
        cal_scores = self._score_tokens(cal_tokens)
        self.thresholds_, self.validation_metrics_ = best_f1_thresholds(self.labels_, y_cal, cal_scores)
        self.n_train_, self.n_validation_ = len(texts), len(val_texts)
        return self

    def _calibrate(self, tokens: np.ndarray, y: np.ndarray) -> dict[str, Any]:
        """Fit and store one temperature per label; return what the metadata records."""
        from core.evaluation.calibration import apply_temperature, fit_temperature, log_loss

        scores = self._score_tokens(tokens)
        temperatures, before, after, counts = {}, {}, {}, {}
        for j, label in enumerate(self.labels_):
            known = ~np.isnan(y[:, j])
            temperatures[label] = fit_temperature(y[:, j], scores[:, j])
            before[label] = log_loss(y[known, j], scores[known, j])
            after[label] = log_loss(y[known, j], apply_temperature(scores[known, j], temperatures[label]))
            counts[label] = int(known.sum())
        network.score_head(self.model_).set_temperatures(np.array([temperatures[k] for k in self.labels_]))
        self._scorer = None
        return {
            "method": "temperature",
            "temperature": temperatures,
            "n": counts,
            "log_loss_before": before,
            "log_loss_after": after,
        }

    # -- scoring -----------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of each label for each text, shape ``(len(texts), len(labels_))``.

        A post longer than the model's ``sequence_length`` tokens is scored in
        overlapping windows and gets each label's highest window score
        (:mod:`core.model.windows`); posts are read up to
        :data:`~core.model.windows.MAX_SCORED_CHARS` characters.
        """
        self._check_fitted()
        texts = _clean_texts(texts, windows.MAX_SCORED_CHARS)
        if not texts:
            return np.zeros((0, len(self.labels_)), dtype=np.float32)
        return self._score_texts(texts)

    def token_counts(self, texts: Sequence[str]) -> np.ndarray:
        """Model tokens of each text (all of them, not only the first window's)."""
        self._check_fitted()
        texts = _clean_texts(texts, windows.MAX_SCORED_CHARS)
        compiled = self._compiled()
        counts = [np.zeros(0, dtype=np.int64)]
        for start in range(0, len(texts), _CHUNK):
            chunk = texts[start : start + _CHUNK]
            first = compiled.vectorize([text[: self.config.max_chars] for text in chunk])
            counts.append(windows.split_windows(chunk, first, compiled.full_length(), cut=self.config.max_chars)[2])
        return np.concatenate(counts)

    def long_post_mask(self, texts: Sequence[str]) -> np.ndarray:
        """True for posts with more tokens than one window (``config.sequence_length``): scored in windows."""
        return self.token_counts(texts) > self.config.sequence_length

    def unknown_words(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Words of each text and how many of them are out of the model's vocabulary (whole posts, as scored).

        One vectoriser call per chunk of posts; only posts that fill the first window are read again in full.
        """
        self._check_fitted()
        texts = _clean_texts(texts, windows.MAX_SCORED_CHARS)
        compiled = self._compiled()
        unknown = vocabulary.oov_id(network.vectorizer_of(self.model_).get_vocabulary()[:4])
        words, missing = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        width, cut = self.config.sequence_length, self.config.max_chars
        for start in range(0, len(texts), _CHUNK):
            chunk = texts[start : start + _CHUNK]
            ids = windows.word_ids(compiled.vectorize([text[:cut] for text in chunk]))
            n_words, n_unknown = vocabulary.count_unknown(ids, unknown)
            long = np.flatnonzero((n_words >= width) | np.array([len(text) > cut for text in chunk], dtype=bool))
            if len(long):
                for i, tokens in zip(long, compiled.full_length()([chunk[i] for i in long]), strict=True):
                    full = windows.word_ids(tokens[None, ...])[0]
                    n_words[i], n_unknown[i] = len(full), int(np.count_nonzero(full == unknown))
            words.append(n_words)
            missing.append(n_unknown)
        return np.concatenate(words), np.concatenate(missing)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """0/1 flags at each label's threshold, shape ``(len(texts), len(labels_))``."""
        thresholds = np.array([self.thresholds_[label] for label in self.labels_])
        return (self.predict_proba(texts) >= thresholds).astype(np.int8)

    def read_through(self, normalizer: str) -> ToxicityClassifier:
        """Read posts through ``normalizer`` from now on, keeping the vocabulary and every weight.

        Only ``robust`` to ``robust2``: ``robust2`` reads typographic and other Unicode
        punctuation (curly quotes, ``…``, ``—``) as the ASCII marks ``robust`` strips, so a
        post in ASCII scores as before and ``“idiot”`` scores as ``"idiot"`` does, where a
        ``robust`` model saw an unknown word. Thresholds and temperatures stay as fitted.
        """
        self._check_fitted()
        if (self.config.normalizer, normalizer) != ("robust", "robust2"):
            raise ConfigError(
                f"A model trained with the '{self.config.normalizer}' normaliser cannot read through "
                f"'{normalizer}'; only a 'robust' model can read through 'robust2'."
            )
        self.config = self.config.with_overrides(normalizer=normalizer)
        self.model_ = network.reread(self.model_, self.config)
        self._scorer = None
        return self

    def warm_up(self) -> ToxicityClassifier:
        """Trace the compiled scoring function once so the first real call is fast."""
        self.predict_proba(["warm up", ""])
        return self

    # -- persistence -------------------------------------------------------------------
    def save(
        self, directory: str | Path, *, metadata: dict[str, Any] | None = None, card: str = "", overwrite: bool = False
    ) -> Path:
        """Save atomically to a model directory (``model.keras``, ``metadata.json``, ``model_card.md``).

        An existing model directory is replaced only with ``overwrite``; any other folder is refused.
        """
        self._check_fitted()
        full = artifact.build_metadata(
            labels=self.labels_,
            thresholds=self.thresholds_,
            config=self.config,
            history=getattr(self, "history_", []),
            validation=getattr(self, "validation_metrics_", {}),
            extra={"calibration": getattr(self, "calibration_", {}), **(metadata or {})},
        )
        return artifact.save_model_dir(self.model_, Path(directory), metadata=full, card=card, overwrite=overwrite)

    @classmethod
    def load(cls, directory: str | Path) -> ToxicityClassifier:
        """Load a model directory written by :meth:`save` (Keras ``safe_mode=True``)."""
        loaded = artifact.load_artifact(Path(directory))
        clf = cls(labels=loaded.labels, config=loaded.config)
        clf.model_ = loaded.model
        clf.labels_ = loaded.labels
        clf.thresholds_ = loaded.thresholds
        clf.history_ = loaded.metadata.get("history", [])
        clf.validation_metrics_ = loaded.metadata.get("validation", {})
        clf.calibration_ = loaded.metadata.get("calibration", {})
        clf.metadata_ = loaded.metadata
        clf.model_dir_ = loaded.directory
        try:  # a Keras model of another shape loads, then fails at every score
            clf._scorer = CompiledScoring(clf.model_)
        except Exception as exc:  # Keras raises ValueError, KeyError, TypeError... for foreign graphs
            raise ModelError(
                f"The model in '{loaded.directory}' is not a ModLens text classifier "
                f"({type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else 'no detail'}). "
                "Restore the model directory or retrain it."
            ) from exc
        return clf

    # -- internals ---------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError(
                "This ToxicityClassifier is not fitted yet. Call fit(texts, labels) or "
                "ToxicityClassifier.load(directory) first."
            )

    def _compiled(self) -> CompiledScoring:
        """The traced scoring functions, built on first use (reset whenever weights change)."""
        if getattr(self, "_scorer", None) is None:
            self._scorer = CompiledScoring(self.model_)
        return self._scorer

    def _vectorize(self, texts: Sequence[str]) -> np.ndarray:
        compiled = self._compiled()
        parts = [compiled.vectorize(list(texts[i : i + _CHUNK])) for i in range(0, len(texts), _CHUNK)]
        if not parts:
            width = network.token_shape(self.model_)[1:]
            return np.zeros((0, self.config.sequence_length, *width), dtype=np.int64)
        return np.concatenate(parts)

    def _score_texts(self, texts: list[str]) -> np.ndarray:
        """Score cleaned texts: vectorise, cut long posts into windows, score, keep each post's best window."""
        if self.long_posts not in LONG_POST_RULES:
            raise ModLensError(f"long_posts must be one of {', '.join(LONG_POST_RULES)}, not {self.long_posts!r}.")
        compiled = self._compiled()
        parts = []
        cut = self.config.max_chars  # enough characters for the first window (the rule before windows)
        for start in range(0, len(texts), _CHUNK):
            chunk = texts[start : start + _CHUNK]
            tokens = compiled.vectorize([text[:cut] for text in chunk])
            if self.long_posts == "first":
                parts.append(self._score_tokens(tokens))
                continue
            rows, offsets, _ = windows.split_windows(chunk, tokens, compiled.full_length(), cut=cut)
            parts.append(windows.max_by_post(self._score_tokens(rows), offsets))
        return np.concatenate(parts)

    def _score_with_new_weights(self, tokens: np.ndarray) -> np.ndarray:
        """Score after the weights changed (training): the traced functions are rebuilt, Keras path only."""
        self._scorer = None
        return self._score_tokens(tokens, fused=False)

    def _score_tokens(self, tokens: np.ndarray, *, fused: bool = True) -> np.ndarray:
        """Score int tokens (first-window rows): with the fused runtime when the model allows, sorted by length."""
        compiled = self._compiled()
        lengths = np.count_nonzero(windows.word_ids(tokens), axis=1)
        runtime = compiled.fused() if fused else None
        if runtime is not None:
            order = np.argsort(lengths, kind="stable")
            out = np.empty((len(tokens), len(self.labels_)), dtype=np.float32)
            out[order] = runtime(tokens[order])
            return out
        if len(tokens) <= SMALL_BATCH:
            return compiled.score_tokens(tokens[:, : max(1, int(lengths.max(initial=0)))])
        out = np.empty((len(tokens), len(self.labels_)), dtype=np.float32)
        order = np.argsort(lengths, kind="stable")
        for start in range(0, len(order), SCORING_BATCH):
            idx = order[start : start + SCORING_BATCH]
            width = max(_LENGTH_STEP, int(math.ceil(lengths[idx].max() / _LENGTH_STEP) * _LENGTH_STEP))
            out[idx] = compiled.score_tokens(tokens[idx, : min(width, tokens.shape[1])])
        return out


def _clean_texts(texts: Sequence[str], max_chars: int) -> list[str]:
    """Texts as strings cut to ``max_chars`` for the model, lone surrogates as U+FFFD (the caller's data untouched).

    One string is refused: iterating it would score (or train on) each of its characters as a post.
    """
    if isinstance(texts, str | bytes):
        raise InputError(f"Give a list of posts, not one string: e.g. [{str(texts)[:40]!r}].")
    cleaned = []
    for text in texts:
        value = text if isinstance(text, str) else ("" if text is None or text != text else str(text))
        value = value[:max_chars]
        cleaned.append(without_lone_surrogates(value))
    return cleaned


def _label_matrix(
    labels: np.ndarray | Sequence[Sequence[float]], n: int, n_labels: int, check_classes: bool = True
) -> np.ndarray:
    y = np.asarray(labels, dtype=np.float32)
    if y.ndim == 1:
        y = y[:, None]
    if y.shape != (n, n_labels):
        raise ModLensError(
            f"Labels have shape {y.shape} but {n} texts and {n_labels} labels need ({n}, {n_labels}). "
            "Give one column per model label (NaN where unknown)."
        )
    known = y[~np.isnan(y)]
    if known.size and not np.isin(known, (0.0, 1.0)).all():
        raise ModLensError("Training labels must be 0, 1 or NaN (unknown). Convert fractions with parse_labels.")
    for j in range(n_labels if check_classes else 0):
        column = y[:, j][~np.isnan(y[:, j])]
        if column.size and len(np.unique(column)) < 2:
            raise ModLensError(
                f"Label {j} has only one class in the training data; add positive and negative examples."
            )
    return y


def _split(y: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded split, stratified on the first label (unknown labels form their own stratum)."""
    rng = np.random.default_rng(seed)
    strata = np.where(np.isnan(y[:, 0]), -1, y[:, 0])
    train, val = [], []
    for value in np.unique(strata):
        members = rng.permutation(np.flatnonzero(strata == value))
        cut = max(1, round(len(members) * fraction)) if len(members) > 1 else 0
        val.append(members[:cut])
        train.append(members[cut:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(val))
