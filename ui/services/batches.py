"""Saved work for the Score page: every scored upload is saved once as a batch, and saved batches reopen.

* :func:`save` stores the session's scored posts with their thresholds and the model
  version (:func:`core.store.batches.save_batch`, a few seconds for 100,000 posts), once
  per result: the session remembers which result its batch belongs to (:data:`BATCH`).
* :func:`save_thresholds` stores threshold changes of the saved batch (audited).
* :func:`reopen` turns a saved batch back into :class:`~ui.services.results.ScoredPosts`
  without rescoring, so a reload, a closed tab or a server restart loses nothing.

Batches are the team's: anyone who may read batches lists and reopens them; a session's
unsaved state (sliders, filters) stays in that session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from core.errors import ModLensError
from core.io.columns import find_author_column
from core.io.posts import Posts
from core.model.artifact import read_metadata
from core.registry import ModelRegistry, model_version_label
from core.store import batches as store
from core.store.batches import BatchInput, SavedBatch
from core.store.roles import Permission
from ui import state
from ui.services import auth
from ui.services.model_ref import ModelRef
from ui.services.models import ref_at
from ui.services.results import ScoredPosts, score_columns
from ui.services.scoring import default_id_column

BATCH = "modlens.batch"
"""``(result key, SavedRef)`` of the batch that holds the session's last scored posts."""
RECENT = 20
"""Saved batches listed on the Score page."""


@dataclass(frozen=True)
class SavedRef:
    """The batch that holds a result: its id and the thresholds saved with it."""

    id: int
    thresholds: dict[str, float]
    file_name: str
    created_by: str
    model_version: str


def result_key(result: ScoredPosts) -> tuple[str, str, str, int]:
    """What ties a result to its batch: content hash, text column, model and size (kept by re-tagging).

    The model is its directory when known (re-tagging after new thresholds keeps it), else its
    name: two versions may share a name (every training is ``my-model`` by default), and the
    same file scored by another version is another batch.
    """
    model = result.model.directory if result.model is not None else result.model_name
    return (result.posts.content_hash, result.posts.text_col, model, len(result))


def saved_ref(result: ScoredPosts) -> SavedRef | None:
    """The batch holding ``result``, if this session saved or reopened it."""
    held = state.get(BATCH)
    if held is None:
        return None
    key, ref = held
    return ref if key == result_key(result) else None


def _remember(result: ScoredPosts, saved: SavedBatch) -> SavedRef:
    ref = SavedRef(
        id=saved.id,
        thresholds=dict(saved.thresholds),
        file_name=saved.file_name,
        created_by=saved.created_by,
        model_version=saved.model_version,
    )
    state.put(BATCH, (result_key(result), ref))
    return ref


def model_label(result: ScoredPosts) -> str:
    """How the batch names the model that scored ``result``: ``v3 name (created)`` (see ``model_version_label``).

    Built from the result's own reference (its registry number and name), so the batch
    names the model that scored the posts even when another version is active now.
    """
    ref = result.model
    if ref is None:
        return result.model_name
    try:
        created = read_metadata(Path(ref.directory)).get("created", "unknown date")
    except ModLensError:
        created = "unknown date"
    label = f"{ref.name} ({created})"
    return f"v{ref.number} {label}" if ref.number is not None else label


def version_named(label: str) -> tuple[ModelRef, dict[str, float]] | None:
    """The registry version a batch's model label names (reference and thresholds), if it still exists."""
    for version in ModelRegistry().list():
        if model_version_label(version.path) == label:
            return ref_at(version.path, version.name), dict(version.thresholds)
    return None


def save(result: ScoredPosts, thresholds: Mapping[str, float], model_version: str) -> SavedRef:
    """Save ``result`` as a batch with ``thresholds`` (one transaction; recorded as ``batch_save``).

    Its posts keep the names the Score page gives them by default (the id column found by name when it
    can name every post, else row numbers), and the author column found by name (``author``, ``user``,
    ...) feeds the Review page's author view.

    Raises
    ------
    ModLensError
        When the session may not save batches, or the database refuses the batch.

    """
    actor = auth.require(Permission.SAVE_BATCH)
    posts = result.posts
    id_col = default_id_column(posts)
    batch = BatchInput.from_scored(
        result.table,
        text_col=posts.text_col,
        labels=result.labels,
        thresholds={label: float(thresholds[label]) for label in result.labels},
        model_version=model_version,
        file_name=posts.source_name,
        content_hash=posts.content_hash,
        id_col=id_col,
        author_col=find_author_column([c for c in posts.frame.columns if c not in {posts.text_col, id_col}]),
    )
    return _remember(result, store.save_batch(auth.database(), actor, batch))


def save_thresholds(result: ScoredPosts, thresholds: Mapping[str, float]) -> SavedRef | None:
    """Store changed thresholds with the batch of ``result`` (recorded as ``threshold_change``); None if unsaved."""
    ref = saved_ref(result)
    chosen = {label: float(thresholds[label]) for label in result.labels}
    if ref is None or chosen == ref.thresholds:
        return ref
    actor = auth.require(Permission.SAVE_BATCH)
    saved = store.set_batch_thresholds(auth.database(), actor, ref.id, chosen)
    return _remember(result, saved)


def recent() -> list[SavedBatch]:
    """The team's most recent batches, newest first (without their posts)."""
    return store.list_batches(auth.database(), auth.require(Permission.READ_BATCHES), limit=RECENT)


def reopen(batch_id: int) -> tuple[ScoredPosts, SavedRef]:
    """A saved batch as scored posts (nothing is rescored) and its reference; thresholds as saved.

    The result keeps the model version that scored it when the registry still has it:
    its thresholds are then the ones the Reset button returns to (else the saved ones),
    and the Explain and Bias pages use that version.
    """
    actor = auth.require(Permission.READ_BATCHES)
    saved = store.open_batch(auth.database(), actor, batch_id)
    assert saved.frame is not None
    labels = tuple(saved.labels)
    frame = saved.frame
    derived = {c for label in labels for c in (f"score_{label}", f"flag_{label}")}
    posts = Posts(
        frame=frame[[c for c in frame.columns if c not in derived]],
        text_col=saved.text_col,
        source_name=saved.file_name,
        content_hash=saved.content_hash or f"batch-{saved.id}",
    )
    scored_by = version_named(saved.model_version)
    ref, defaults = scored_by if scored_by is not None else (None, {})
    result = ScoredPosts(
        posts=posts,
        labels=labels,
        scores=frame[score_columns(labels)].to_numpy(dtype="float32"),
        model_thresholds=defaults if set(labels) <= set(defaults) else dict(saved.thresholds),
        model_name=ref.name if ref is not None else saved.model_version,
        model=ref,
        id_col=default_id_column(posts),
    )
    return result, _remember(result, saved)
