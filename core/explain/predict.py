"""The model as the explainers see it: a plain ``list[str] -> probabilities`` function.

Explainers take a function rather than a model object so they work with any
classifier (the Keras model's ``predict_proba``, or a fake keyword model in
tests). This module checks what the function returns and resolves label names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from core.errors import ModLensError

PredictFn = Callable[[list[str]], np.ndarray]
"""Maps ``n`` texts to an ``(n, n_labels)`` array of probabilities."""


def label_indexes(labels: Sequence[str], label: str | Sequence[str] | None = None) -> list[int]:
    """Column indexes of the requested labels (all labels when ``label`` is None).

    Raises
    ------
    ModLensError
        If a requested label is not one of ``labels``; the message lists them.

    """
    if not labels:
        raise ModLensError("The model has no labels to explain. Load a trained model.")
    if label is None:
        return list(range(len(labels)))
    wanted = [label] if isinstance(label, str) else list(label)
    indexes = []
    for name in wanted:
        if name not in labels:
            raise ModLensError(f"Unknown label '{name}'. The model's labels are: {', '.join(labels)}.")
        indexes.append(list(labels).index(name))
    return indexes


def predict(predict_fn: PredictFn, texts: Sequence[str], n_labels: int, batch_size: int = 256) -> np.ndarray:
    """Score ``texts`` in batches and check the result's shape.

    Parameters
    ----------
    predict_fn
        The model function.
    texts
        Texts to score.
    n_labels
        Number of label columns the function must return.
    batch_size
        Texts per call, so a long list never becomes one huge model batch.

    Returns
    -------
    numpy.ndarray
        ``(len(texts), n_labels)`` float64 probabilities.

    """
    texts = [str(text) for text in texts]
    if not texts:
        return np.zeros((0, n_labels))
    parts = []
    for begin in range(0, len(texts), batch_size):
        chunk = texts[begin : begin + batch_size]
        out = np.asarray(predict_fn(chunk), dtype=np.float64)
        if out.ndim == 1 and n_labels == 1:
            out = out.reshape(-1, 1)
        if out.shape != (len(chunk), n_labels):
            raise ValueError(
                f"predict_fn returned shape {out.shape} for {len(chunk)} texts; expected ({len(chunk)}, {n_labels})."
            )
        parts.append(out)
    return np.concatenate(parts, axis=0)
