"""Reviewed posts as labelled data for the Model page's "train on reviewed posts".

The team's decisions become labels (:func:`core.store.exports.training_data`): *remove*
makes a post toxic (1), *approve* makes it harmless for every label (0); escalated and
skipped posts, and posts whose reviewers disagree, are left out. Training on them needs
the admin role, like every training.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from core.store.exports import training_data
from core.store.roles import Permission
from ui.services import auth
from ui.services.labelled import LabelledPosts
from ui.services.review import list_queues

PRIMARY_LABEL = "toxic"
"""The label a removal stands for."""


def one_sided_unknown(values: np.ndarray) -> np.ndarray:
    """A label the decisions only ever deny (no post has it) becomes unknown: nothing to learn it from.

    Approving a post says it has no label; a removal names the labels it breaks only when the
    reviewer gave them. Without a positive post, training leaves the label out instead of failing.
    """
    known = values[~np.isnan(values)]
    return values if (known == 1).any() and (known == 0).any() else np.full(len(values), np.nan)


def queue_names() -> list[str]:
    """Every review queue, newest first."""
    return [q.name for q in list_queues()]


def reviewed_posts(queues: Sequence[str] | None, labels: Sequence[str]) -> LabelledPosts:
    """Decided posts of ``queues`` (all when None) with labels for ``labels`` (NaN where the decisions say nothing)."""
    actor = auth.require(Permission.MANAGE_MODELS)
    data = training_data(
        auth.database(), actor, list(queues) if queues is not None else None, primary_label=PRIMARY_LABEL
    )
    columns = {name: data.labels[:, j] for j, name in enumerate(data.label_names)}
    values = {label: one_sided_unknown(columns.get(label, np.full(len(data), np.nan))) for label in labels}
    digest = hashlib.sha256()
    digest.update(np.asarray(data.item_ids, dtype=np.int64).tobytes())
    for label in labels:
        digest.update(label.encode() + np.nan_to_num(values[label], nan=-1.0).tobytes())
    name = f"reviewed posts ({', '.join(queues)})" if queues else "reviewed posts (all queues)"
    return LabelledPosts(name=name[:120], texts=tuple(data.texts), labels=values, key=digest.hexdigest()[:20])
