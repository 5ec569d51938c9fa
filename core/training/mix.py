"""The data one training run sees: stacked splits, augmentations, loss weights and the calibration pool.

- training rows: every set's train split, plus the project's identity augmentation
  (``--debias``), contrast pairs (``--contrast``), identity-swapped copies of
  posts that mention a group (``--identity-swap``) and perturbed-spelling copies
  (``--obfuscate``);
- loss weights: a weight per dataset (``--dataset-weight``) times the identity
  weight of non-toxic identity posts, flat or balanced per term (``--identity-balance``);
- calibration pool: validation rows of the sets whose sampling keeps a label's
  rate meaningful. :data:`SKEWED_SAMPLING` sets are left out: a balanced file, an
  all-non-toxic file and a set whose every post was once rated toxic would pull
  temperatures and thresholds towards their own base rates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from core.errors import ConfigError
from core.training.balance import balanced_identity_weights
from core.training.contrast import CONTRAST_TEMPLATES, ContrastConfig, contrast_frame
from core.training.datasets import LabelledSet
from core.training.debias import AUGMENTATION_TEMPLATES, DebiasConfig, augmentation_frame, identity_weights
from core.training.dedup import text_key
from core.training.obfuscation import perturbed_copies
from core.training.swaps import swapped_copies

AUGMENTATION_SET = "identity_augmentation"
CONTRAST_SET = "contrast_pairs"
"""Names of the project's own training sentences, as ``--dataset-weight`` and the card know them."""

SKEWED_SAMPLING = frozenset({"jigsaw_more", "civil_comments_spans"})
"""Sets left out of calibration: sampled balanced, all-non-toxic or all-once-toxic (see their SOURCE.md)."""


@dataclass(frozen=True)
class Stacked:
    """Texts, a label matrix (NaN unknown) and the set each row came from."""

    texts: list[str]
    y: np.ndarray
    sources: list[str]


def stack(sets: Sequence[LabelledSet], split: str, labels: Sequence[str]) -> Stacked:
    """The rows of one split of every set, in set order."""
    frames = [(s.name, s.frame[s.frame["split"] == split]) for s in sets]
    texts = [t for _, f in frames for t in f["text"].tolist()]
    columns = [
        np.column_stack([f[label].to_numpy(dtype=float) if label in f else np.full(len(f), np.nan) for label in labels])
        for _, f in frames
    ]
    y = np.concatenate(columns) if columns else np.zeros((0, len(labels)))
    return Stacked(texts, y.reshape(len(texts), len(labels)), [name for name, f in frames for _ in range(len(f))])


def augmentation_sets(debias: DebiasConfig | None, contrast: ContrastConfig | None) -> list[LabelledSet]:
    """The project's own training sentences: identity augmentation and contrast pairs."""
    extra = []
    if debias is not None and debias.augment:
        extra.append(LabelledSet(AUGMENTATION_SET, augmentation_frame(debias), (AUGMENTATION_TEMPLATES,)))
    if contrast is not None:
        extra.append(LabelledSet(CONTRAST_SET, contrast_frame(contrast), (CONTRAST_TEMPLATES,)))
    return extra


def check_dataset_weights(
    dataset_weights: Mapping[str, float],
    sets: Sequence[LabelledSet],
    debias: DebiasConfig | None,
    contrast: ContrastConfig | None,
) -> None:
    """Refuse a weight for a set the run does not train on: a typo would be ignored, yet listed in the card.

    Checked once per request, against the debiased run's sets: its baseline (no
    augmentation) ignores the ``identity_augmentation`` weight.
    """
    names = [s.name for s in sets]
    names += [AUGMENTATION_SET] if debias is not None and debias.augment else []
    names += [CONTRAST_SET] if contrast is not None else []
    unknown = sorted(set(dataset_weights) - set(names))
    if unknown:
        raise ConfigError(
            f"--dataset-weight names {', '.join(unknown)}, which this run does not train on. "
            f"Use one of: {', '.join(names)}."
        )
    if names and all(dataset_weights.get(name, 1.0) == 0 for name in names):
        raise ConfigError(
            "--dataset-weight gives every training set a weight of 0, so there is nothing to learn from; "
            "give at least one set a weight above 0."
        )


def training_rows(
    sets: Sequence[LabelledSet],
    labels: Sequence[str],
    *,
    debias: DebiasConfig | None = None,
    contrast: ContrastConfig | None = None,
    obfuscate: float = 0.0,
    identity_swap: float = 0.0,
    dataset_weights: Mapping[str, float] | None = None,
    seed: int = 13,
) -> tuple[Stacked, np.ndarray]:
    """Training rows and their loss weights.

    Identity-swapped copies (a seeded ``identity_swap`` share of the datasets' train
    posts that mention a group; never of the project's own sentences, which already
    fill every group) and perturbed-spelling copies (a seeded ``obfuscate`` share of
    all rows) keep the labels, set and weight of the row they copy.
    """
    # the project's sentences are drawn with the run's seed: each seeded run depends on its seed alone
    debias = replace(debias, seed=seed) if debias is not None else None
    contrast = replace(contrast, seed=seed) if contrast is not None else None
    base = stack([*sets, *augmentation_sets(debias, contrast)], "train", labels)
    texts, y, sources = list(base.texts), base.y, list(base.sources)
    n_posts = sum(len(s.frame[s.frame["split"] == "train"]) for s in sets)
    if identity_swap > 0:
        held_out = {text_key(t) for s in sets for t in s.frame.loc[s.frame["split"] != "train", "text"]}
        picked, copies = swapped_copies(texts[:n_posts], identity_swap, seed, held_out_keys=held_out)
        texts += copies
        y = np.concatenate([y, y[picked]])
        sources += [sources[i] for i in picked]
    if obfuscate > 0:
        picked, copies = perturbed_copies(texts, obfuscate, seed)
        texts += copies
        y = np.concatenate([y, y[picked]])
        sources += [sources[i] for i in picked]
    weights = np.array([float((dataset_weights or {}).get(name, 1.0)) for name in sources], dtype=np.float32)
    if debias is not None and debias.balance_cap > 0:
        # term counts from the datasets' own posts: not the project's sentences (balanced by design), nor copies
        counted = np.arange(len(texts)) < n_posts
        weights *= balanced_identity_weights(
            texts, y, floor=debias.identity_weight, cap=debias.balance_cap, counted=counted
        )
    elif debias is not None:
        weights *= identity_weights(texts, y, debias.identity_weight)
    return Stacked(texts, y, sources), weights


def calibration_rows(sets: Sequence[LabelledSet], labels: Sequence[str]) -> Stacked:
    """Validation rows of the sets outside :data:`SKEWED_SAMPLING` (all sets if that leaves none)."""
    kept = [s for s in sets if s.name not in SKEWED_SAMPLING] or list(sets)
    return stack(kept, "validation", labels)


def per_set_frame(stacked: Stacked) -> pd.DataFrame:
    """Rows per source set (for logs)."""
    return pd.Series(stacked.sources).value_counts().rename_axis("set").reset_index(name="rows")
