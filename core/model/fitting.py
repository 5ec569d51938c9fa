"""The training loop behind ``ToxicityClassifier.fit``.

Mini-batches of similar length, a masked and weighted loss, and early stopping on
validation ROC AUC. Two options smooth out a noisy run: on an epoch without a
better AUC, go back to the best weights with a lower learning rate
(``plateau_decay``), and keep a moving average of the weights (``weight_average``).
With training groups (such as each post's dataset) every group also learns its own
offset to each label's logit, used in training only (:class:`GroupOffsets`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from core.errors import TrainingCancelled
from core.model import network
from core.model.config import ModelConfig
from core.model.network import keras, tf
from core.model.progress import ProgressCallback, TrainingProgress


def mean_auc(y: np.ndarray, scores: np.ndarray) -> float:
    """Mean ROC AUC over labels, each on the rows where the label is known and both classes occur."""
    from sklearn.metrics import roc_auc_score  # imported here: scoring never needs scikit-learn

    aucs = []
    for j in range(y.shape[1]):
        known = ~np.isnan(y[:, j])
        if known.sum() and len(np.unique(y[known, j])) == 2:
            aucs.append(roc_auc_score(y[known, j], scores[known, j]))
    return float(np.mean(aucs)) if aucs else math.nan


def validation_auc(y: np.ndarray, scores: np.ndarray, groups: np.ndarray | None = None) -> float:
    """:func:`mean_auc`, or with ``groups`` the mean over groups of each group's :func:`mean_auc`."""
    if groups is None:
        return mean_auc(y, scores)
    per_group = [mean_auc(y[groups == group], scores[groups == group]) for group in dict.fromkeys(groups)]
    known = [value for value in per_group if not math.isnan(value)]
    return float(np.mean(known)) if known else math.nan


def _positive_weights(y: np.ndarray, cap: float) -> np.ndarray:
    """Loss weight of each label's positives: sqrt(negatives / positives), between 1 and ``cap``.

    A label with no known values (masked everywhere) gets weight 1: it adds nothing to the loss.
    """
    weights = []
    for j in range(y.shape[1]):
        column = y[:, j][~np.isnan(y[:, j])]
        positives = max(float(column.sum()), 1.0)
        negatives = max(len(column) - positives, 0.0)
        weights.append(min(cap, max(1.0, math.sqrt(negatives / positives))))
    return np.array(weights, dtype=np.float32)


def _batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Batches of similar length (sorted with noise), in shuffled order."""
    noisy = lengths + rng.uniform(0, 4, size=len(lengths))
    order = np.argsort(noisy, kind="stable")
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


def fit_network(
    part: keras.Model,
    config: ModelConfig,
    train: tuple[np.ndarray, np.ndarray, np.ndarray],
    validation: tuple[np.ndarray, np.ndarray, np.ndarray | None],
    *,
    score_validation: Callable[[np.ndarray], np.ndarray],
    progress: ProgressCallback | None = None,
    groups: np.ndarray | None = None,
) -> list[dict[str, float]]:
    """Train ``part`` (int tokens to scores) in place; return the per-epoch history.

    Parameters
    ----------
    part
        The network after vectorisation, trained in place and left with the best weights.
    config
        Batch size, epochs, learning rate, patience, plateau decay, weight average, seed.
    train
        ``(tokens, labels, sample_weights)``; labels are NaN where unknown.
    validation
        ``(tokens, labels, groups)``; ``groups`` (or None) as in :func:`validation_auc`.
    score_validation
        Scores validation tokens with the current weights.
    progress
        Called with :class:`TrainingProgress` events; returning False cancels
        (:class:`TrainingCancelled`).
    groups
        Optional group number (0 to G-1) of each training row; see :class:`GroupOffsets`.

    """
    tokens, y, weights = train
    val_tokens, y_val, val_groups = validation
    optimizer = keras.optimizers.Adam(learning_rate=config.learning_rate)
    loss_fn = network.masked_binary_crossentropy(_positive_weights(y, config.max_positive_weight))
    averaged = WeightAverage(part.trainable_variables, config.weight_average)
    row_groups = np.zeros(len(y), np.int32) if groups is None else np.asarray(groups, np.int32)
    offsets = GroupOffsets(y, weights, row_groups) if groups is not None else None
    trained = [*part.trainable_variables, *([offsets.variable] if offsets else [])]

    @tf.function(
        input_signature=[
            tf.TensorSpec([None, *part.inputs[0].shape[1:]], tf.int64),
            tf.TensorSpec([None, None], tf.float32),
            tf.TensorSpec([None], tf.float32),
            tf.TensorSpec([None], tf.int32),
        ]
    )
    def step(x: tf.Tensor, target: tf.Tensor, weight: tf.Tensor, group: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            scores = part(x, training=True)
            if offsets is not None:
                scores = offsets.shift(scores, group)
            loss = loss_fn(target, scores, weight)
        grads = tape.gradient(loss, trained)
        optimizer.apply_gradients(zip(grads, trained, strict=True))
        averaged.update()
        return loss

    rng = np.random.default_rng(config.seed)
    lengths = network.word_lengths(tokens)
    history: list[dict[str, float]] = []
    best_auc, best_weights, stale = -math.inf, part.get_weights(), 0
    for epoch in range(1, config.epochs + 1):
        batches = _batches(lengths, config.batch_size, rng)
        losses = []
        for number, idx in enumerate(batches, start=1):
            width = max(1, int(lengths[idx].max()))
            loss = float(
                step(
                    tf.constant(tokens[idx, :width]),
                    tf.constant(y[idx]),
                    tf.constant(weights[idx]),
                    tf.constant(row_groups[idx]),
                )
            )
            losses.append(loss)
            if progress and (number % 20 == 0 or number == len(batches)):
                event = TrainingProgress("batch", epoch, config.epochs, number, len(batches), float(np.mean(losses)))
                if progress(event) is False:
                    raise TrainingCancelled("Training was cancelled.")
        raw_weights = averaged.swap_in()  # judge (and keep) the averaged weights, if averaging
        val_auc = validation_auc(y_val, score_validation(val_tokens), val_groups) if len(val_tokens) else math.nan
        epoch_weights = part.get_weights()
        averaged.swap_out(raw_weights)
        history.append({"epoch": epoch, "loss": float(np.mean(losses)), "val_auc": val_auc})
        if offsets is not None:
            history[-1]["group_offsets"] = offsets.values().tolist()
        if (
            progress
            and progress(
                TrainingProgress(
                    "epoch", epoch, config.epochs, len(batches), len(batches), float(np.mean(losses)), val_auc
                )
            )
            is False
        ):
            raise TrainingCancelled("Training was cancelled.")
        if math.isnan(val_auc) or val_auc > best_auc:
            best_auc, best_weights, stale = (val_auc if not math.isnan(val_auc) else best_auc), epoch_weights, 0
        else:
            stale += 1
            if stale >= config.patience:
                break
            if config.plateau_decay < 1.0:
                part.set_weights(best_weights)
                averaged.reset()
                optimizer.learning_rate.assign(optimizer.learning_rate * config.plateau_decay)
    part.set_weights(best_weights)
    return history


class GroupOffsets:
    """A learned offset to each label's logit per training group (dataset), used in training only.

    Datasets differ in how often a label is positive (a balanced file, a hate forum,
    news comments), and in a pooled loss the words typical of a dataset (a group's
    name in a hate-forum set) learn to carry that base rate. An offset per dataset
    and label absorbs it instead, so the shared network learns what makes a post
    toxic within each dataset. The scoring model has no offsets: it scores at the
    loss-weighted mean of the datasets, because the offsets are centred on it. A
    label a group never has both classes of (unknown, or all positive) keeps an
    offset of 0: an offset would absorb its whole signal.
    """

    def __init__(self, y: np.ndarray, weights: np.ndarray, groups: np.ndarray) -> None:
        n_groups = int(groups.max()) + 1 if len(groups) else 1
        known = ~np.isnan(y)
        positive = np.where(known, y, 0) >= 0.5
        free = np.zeros((n_groups, y.shape[1]), np.float32)
        share = np.zeros((n_groups, y.shape[1]), np.float32)
        for g in range(n_groups):
            rows = groups == g
            both = positive[rows].any(axis=0) & (known[rows] & ~positive[rows]).any(axis=0)
            free[g] = both
            share[g] = (weights[rows, None] * known[rows]).sum(axis=0)
        share *= free
        share /= np.maximum(share.sum(axis=0, keepdims=True), 1e-12)
        self._free = tf.constant(free)
        self._share = tf.constant(share)
        self.variable = keras.Variable(np.zeros_like(free), name="group_offsets")

    def centred(self) -> tf.Tensor:
        """The offsets of free (group, label) pairs, minus their loss-weighted mean per label."""
        raw = _tensor(self.variable) * self._free
        return (raw - tf.reduce_sum(raw * self._share, axis=0, keepdims=True)) * self._free

    def shift(self, scores: tf.Tensor, group: tf.Tensor) -> tf.Tensor:
        """Scores with each row's group offset added to the logit."""
        p = tf.clip_by_value(scores, 1e-7, 1 - 1e-7)
        return tf.sigmoid(tf.math.log(p) - tf.math.log1p(-p) + tf.gather(self.centred(), group))

    def values(self) -> np.ndarray:
        """The centred offsets, groups x labels."""
        return self.centred().numpy()


class WeightAverage:
    """Exponential moving average of the trainable weights during training (off at momentum 0).

    Averaging the weights of the last few hundred steps smooths out the noise of
    single mini-batches, a cheap stand-in for an ensemble. The average starts at
    zero and is divided by ``1 - momentum ** steps`` (as Adam corrects its moments),
    so it is the weighted mean of the steps so far even in a short run, never pulled
    towards the random initial weights.
    """

    def __init__(self, variables: Sequence[Any], momentum: float) -> None:
        self._variables = list(variables)
        self._momentum = float(momentum)
        self._steps = tf.Variable(0.0, trainable=False)
        self._averages = (
            [tf.Variable(tf.zeros_like(_tensor(v)), trainable=False) for v in self._variables] if momentum else []
        )

    def update(self) -> None:
        """Move the averages towards the current weights (inside the traced training step)."""
        if not self._averages:
            return
        self._steps.assign_add(1.0)
        for average, variable in zip(self._averages, self._variables, strict=True):
            average.assign(self._momentum * average + (1.0 - self._momentum) * _tensor(variable))

    def swap_in(self) -> list[np.ndarray] | None:
        """Load the (bias-corrected) averages into the model; return the raw weights to put back."""
        if not self._averages or float(self._steps.numpy()) == 0:
            return None
        correction = 1.0 - self._momentum ** float(self._steps.numpy())
        raw = [_tensor(v).numpy() for v in self._variables]
        for variable, average in zip(self._variables, self._averages, strict=True):
            variable.assign(average / correction)
        return raw

    def swap_out(self, raw: list[np.ndarray] | None) -> None:
        """Put back the raw weights returned by :meth:`swap_in`."""
        if raw is None:
            return
        for variable, value in zip(self._variables, raw, strict=True):
            variable.assign(value)

    def reset(self) -> None:
        """Start averaging afresh (after going back to the best weights)."""
        self._steps.assign(0.0)
        for average in self._averages:
            average.assign(tf.zeros_like(average))


def _tensor(variable: Any) -> tf.Tensor:
    """The TensorFlow variable behind a Keras variable (a TensorFlow one is returned as is)."""
    return variable if isinstance(variable, tf.Variable) else variable.value
