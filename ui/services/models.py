"""The models the dashboard scores with: loaded once per server process and version, named by a :class:`ModelRef`.

* A model is loaded once per server process (``st.cache_resource``), keyed by its
  directory and :func:`model_stamp`, and shared by every session; a retrained
  directory (new ``metadata.json``) is picked up on the next call. Up to
  :data:`MAX_LOADED_MODELS` versions stay loaded, so the results of several
  versions can be explained side by side while another version is active.
* Every result remembers the :class:`ModelRef` of the model that scored it, so each
  view of it uses that model (:func:`model_for`), names it, and can tell when the
  active model is another one.
* :attr:`ModelRef.version` is part of every score and explanation cache key.

Tests replace :func:`load_classifier` (e.g. with ``monkeypatch.setattr``) to
run the pages with a small fake model; TensorFlow is only imported by it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import streamlit as st

from core.errors import ModelError
from core.model.metadata import FORMAT_VERSION, METADATA_FILE, ModelMetadata
from core.registry import ModelRegistry, active_model_dir
from core.scoring import Scorer
from ui.services.model_ref import ModelRef

__all__ = [
    "MAX_LOADED_MODELS",
    "ModelRef",
    "active_identity",
    "active_model",
    "get_model",
    "get_model_at",
    "load_classifier",
    "model_for",
    "model_metadata",
    "model_name",
    "model_stamp",
    "model_version",
    "ref_at",
    "ref_of",
    "registry_number",
]

MAX_LOADED_MODELS = 4
"""Model versions kept loaded per server (the default model takes about 60 MB)."""


def load_classifier(model_dir: Path) -> Scorer:
    """Load the classifier from ``model_dir`` and warm it up (imports TensorFlow)."""
    from core.model.classifier import ToxicityClassifier

    return ToxicityClassifier.load(model_dir).warm_up()


def model_stamp(directory: Path) -> float:
    """Modification time of a model directory's metadata: changes when the model is retrained or re-saved."""
    try:
        return (Path(directory) / METADATA_FILE).stat().st_mtime
    except OSError:
        return 0.0


@st.cache_resource(show_spinner=False, max_entries=MAX_LOADED_MODELS)
def _cached_model(model_dir: str, stamp: float) -> Scorer:
    """One model per directory and version stamp, for the whole server process."""
    return load_classifier(Path(model_dir))


def get_model() -> Scorer:
    """The active model (``$MODLENS_MODEL`` or the registry's active version), loaded once and warmed up.

    Raises
    ------
    ModLensError
        When the model directory is missing or damaged (not cached: fixed on the next call).

    """
    return get_model_at(active_model_dir())


def get_model_at(directory: Path) -> Scorer:
    """The model in ``directory`` (e.g. a registry version), loaded once per server like the active one.

    Raises
    ------
    ModLensError
        When the model directory is missing or damaged.

    """
    return _cached_model(str(Path(directory).resolve()), model_stamp(Path(directory)))


def active_model() -> tuple[Scorer, ModelRef]:
    """The active model and its reference.

    Raises
    ------
    ModLensError
        When the model directory is missing or damaged.

    """
    directory = active_model_dir()
    model = get_model_at(directory)
    return model, ref_of(model, directory)


def active_identity() -> tuple[str, float]:
    """The active model's directory and stamp, read without loading it: changes when another is activated."""
    directory = active_model_dir()
    return str(Path(directory).resolve()), model_stamp(directory)


def model_for(ref: ModelRef) -> Scorer:
    """The model that scored a result, loaded again (once per server) from its directory.

    Raises
    ------
    ModelError
        When that model is gone (its version was deleted), saying what to do.

    """
    directory = Path(ref.directory)
    if not (directory / METADATA_FILE).exists():
        raise ModelError(
            f"The model that scored these posts, {ref.title}, is no longer there (its version was deleted). "
            "Rescore the posts with the active model."
        )
    return get_model_at(directory)


def registry_number(directory: Path | str, registry: ModelRegistry | None = None) -> int | None:
    """The registry version whose directory is ``directory`` (0 for the bundled model), or None."""
    registry = registry or ModelRegistry()
    target = Path(directory).resolve()
    if target == registry.bundled.resolve():
        return 0
    name = target.name
    if target.parent == registry.versions_dir.resolve() and name.startswith("v") and name[1:].isdigit():
        return int(name[1:])
    return None


def ref_at(directory: Path | str, name: str) -> ModelRef:
    """The reference of the model ``name`` in ``directory``, without loading it.

    Its version hashes the directory and :func:`model_stamp`, so a version saved again
    (new thresholds) gets a new version, and the same file loaded twice the same one.
    """
    where = Path(directory).resolve()
    digest = hashlib.sha256(f"{where}\n{model_stamp(where)!r}\n{name}".encode()).hexdigest()[:16]
    return ModelRef(directory=str(where), version=digest, name=name, number=registry_number(where))


def ref_of(model: Scorer, directory: Path | str | None = None) -> ModelRef:
    """The reference of ``model`` loaded from ``directory`` (default: the directory it says it came from)."""
    return ref_at(directory if directory is not None else getattr(model, "model_dir_", ""), model_name(model))


def model_metadata(model: Scorer) -> ModelMetadata:
    """The model's typed metadata (name, labels, thresholds, training data, metrics); minimal if it has none.

    A loaded model directory has checked :class:`~core.model.metadata.ModelMetadata`
    already; a plain mapping (a stand-in model) is checked here.

    Raises
    ------
    ModelError
        When a plain mapping does not fit the schema.

    """
    found = getattr(model, "metadata_", None)
    if isinstance(found, ModelMetadata):
        return found
    document = {
        "format_version": FORMAT_VERSION,
        "name": "unnamed model",
        "labels": list(model.labels_),
        "thresholds": dict(model.thresholds_),
        **dict(found or {}),
    }
    return ModelMetadata.from_dict(document, source="the model's metadata")


def model_name(model: Scorer) -> str:
    """The model's name, for captions and exports."""
    return model_metadata(model).name


def model_version(model: Scorer) -> str:
    """Short hash of the model's directory and metadata (its thresholds included)."""
    payload = json.dumps(
        {"dir": str(getattr(model, "model_dir_", "")), "metadata": model_metadata(model).to_dict()},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
