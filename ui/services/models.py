"""The models the dashboard scores with: loaded once per server process, warmed up, named by a version hash.

* A model is loaded once per server process (``st.cache_resource``), keyed by its
  directory and :func:`model_stamp`, and shared by every session; a retrained
  directory (new ``metadata.json``) is picked up on the next call.
* :func:`model_version` is part of every score and explanation cache key.

Tests replace :func:`load_classifier` (e.g. with ``monkeypatch.setattr``) to
run the pages with a small fake model; TensorFlow is only imported by it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import streamlit as st

from core.registry import active_model_dir
from core.scoring import Scorer


def load_classifier(model_dir: Path) -> Scorer:
    """Load the classifier from ``model_dir`` and warm it up (imports TensorFlow)."""
    from core.model.classifier import ToxicityClassifier

    return ToxicityClassifier.load(model_dir).warm_up()


def model_stamp(directory: Path) -> float:
    """Modification time of a model directory's metadata: changes when the model is retrained or re-saved."""
    try:
        return (Path(directory) / "metadata.json").stat().st_mtime
    except OSError:
        return 0.0


@st.cache_resource(show_spinner=False, max_entries=2)
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


def model_metadata(model: Scorer) -> dict:
    """The model's metadata (name, labels, thresholds, training data, metrics); minimal if it has none."""
    metadata = dict(getattr(model, "metadata_", None) or {})
    metadata.setdefault("name", "unnamed model")
    metadata.setdefault("labels", list(model.labels_))
    metadata.setdefault("thresholds", dict(model.thresholds_))
    return metadata


def model_name(model: Scorer) -> str:
    """The model's name, for captions and exports."""
    return str(model_metadata(model)["name"])


def model_version(model: Scorer) -> str:
    """Short hash of the model's directory and metadata: part of every score and explanation cache key."""
    payload = json.dumps(
        {"dir": str(getattr(model, "model_dir_", "")), "metadata": model_metadata(model)},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
