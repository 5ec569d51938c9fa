"""Save and load model directories: ``model.keras``, ``metadata.json`` and ``model_card.md``.

Saving is atomic (everything is written to a temporary sibling directory that is
then renamed into place), so an interrupted save never leaves half a model.
Loading uses Keras ``safe_mode=True`` and ``compile=False`` and turns every
problem into a :class:`~core.errors.ModLensError`.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.config import ModelConfig
from core.errors import ModLensError

if TYPE_CHECKING:
    from core.model import ToxicityClassifier

FORMAT_VERSION = 1
MODEL_FILE = "model.keras"
METADATA_FILE = "metadata.json"
CARD_FILE = "model_card.md"


def library_versions() -> dict[str, str]:
    """Versions of the libraries a saved model depends on."""
    import keras
    import numpy
    import sklearn
    import tensorflow

    import core

    return {
        "modlens": core.__version__,
        "python": platform.python_version(),
        "tensorflow": tensorflow.__version__,
        "keras": keras.__version__,
        "numpy": numpy.__version__,
        "scikit-learn": sklearn.__version__,
    }


def build_metadata(clf: ToxicityClassifier, extra: dict[str, Any]) -> dict[str, Any]:
    """Metadata of a fitted classifier; ``extra`` (training data, metrics, name) is merged in."""
    metadata: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "name": extra.get("name", "modlens-model"),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "labels": list(clf.labels_),
        "thresholds": {k: float(v) for k, v in clf.thresholds_.items()},
        "preset": clf.config.preset,
        "config": clf.config.to_dict(),
        "history": getattr(clf, "history_", []),
        "validation": getattr(clf, "validation_metrics_", {}),
        "calibration": getattr(clf, "calibration_", {}),
        "libraries": library_versions(),
    }
    metadata.update({k: v for k, v in extra.items() if k not in {"labels", "thresholds"}})
    return metadata


def save_model_dir(clf: ToxicityClassifier, target: Path, *, metadata: dict[str, Any], card: str) -> Path:
    """Write the model directory atomically and return its path."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    staging.chmod(0o755)
    try:
        clf.model_.save(staging / MODEL_FILE)
        full = build_metadata(clf, metadata)
        (staging / METADATA_FILE).write_text(json.dumps(_jsonable(full), indent=2) + "\n", encoding="utf-8")
        (staging / CARD_FILE).write_text(card or _minimal_card(full), encoding="utf-8")
        _fsync_dir(staging)
        backup = None
        if target.exists():
            backup = target.parent / f".{target.name}.old-{os.getpid()}"
            os.replace(target, backup)
        os.replace(staging, target)
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def read_metadata(directory: Path) -> dict[str, Any]:
    """Read and check ``metadata.json`` of a model directory."""
    if not directory.exists():
        raise ModLensError(f"No model at '{directory}'. Give a model directory with --model, or train one.")
    if not directory.is_dir():
        raise ModLensError(f"'{directory}' is a file, not a model directory. Give the folder that holds model.keras.")
    path = directory / METADATA_FILE
    if not path.exists():
        raise ModLensError(
            f"'{directory}' is not a ModLens model: {METADATA_FILE} is missing. Train or copy a full model directory."
        )
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModLensError(f"{path} is damaged ({exc}). Restore the model directory or retrain it.") from exc
    if not isinstance(metadata, dict) or not isinstance(metadata.get("labels"), list) or not metadata["labels"]:
        raise ModLensError(f"{path} has no labels. Restore the model directory or retrain it.")
    version = metadata.get("format_version")
    if version != FORMAT_VERSION:
        raise ModLensError(
            f"The model in '{directory}' has format version {version}; this ModLens reads version "
            f"{FORMAT_VERSION}. Retrain the model with this version."
        )
    return metadata


def load_model_dir(cls: type[ToxicityClassifier], directory: Path) -> ToxicityClassifier:
    """Load a classifier from a model directory, with clear errors for bad directories."""
    import keras

    metadata = read_metadata(directory)
    model_path = directory / MODEL_FILE
    if not model_path.exists():
        raise ModLensError(f"'{directory}' has no {MODEL_FILE}. Restore the model directory or retrain it.")
    if not zipfile.is_zipfile(model_path):
        raise ModLensError(f"{model_path} is damaged (not a Keras archive). Restore it or retrain the model.")
    try:
        model = keras.saving.load_model(model_path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types for damaged or foreign archives
        raise ModLensError(
            f"{model_path} could not be loaded ({type(exc).__name__}: {str(exc).splitlines()[0][:160]}). "
            "Restore it or retrain the model."
        ) from exc
    labels = list(metadata["labels"])
    outputs = int(model.output_shape[-1])
    if outputs != len(labels):
        raise ModLensError(
            f"The model in '{directory}' has {outputs} outputs but its metadata names {len(labels)} labels. "
            "Restore the model directory or retrain it."
        )
    clf = cls(labels=labels, config=ModelConfig.from_dict(metadata.get("config", {})))
    clf.model_ = model
    clf.labels_ = labels
    thresholds = metadata.get("thresholds", {})
    clf.thresholds_ = {label: float(thresholds.get(label, 0.5)) for label in labels}
    clf.history_ = metadata.get("history", [])
    clf.validation_metrics_ = metadata.get("validation", {})
    clf.calibration_ = metadata.get("calibration", {})
    clf.metadata_ = metadata
    clf.model_dir_ = directory
    clf._scorer = None
    return clf


def _minimal_card(metadata: dict[str, Any]) -> str:
    lines = [f"# Model card: {metadata['name']}", "", f"Labels: {', '.join(metadata['labels'])}."]
    lines += [f"- threshold `{k}`: {v:.3f}" for k, v in metadata["thresholds"].items()]
    return "\n".join(lines) + "\n"


def _jsonable(value: Any) -> Any:
    """Replace NaN/inf with None and numpy scalars with Python ones, recursively."""
    import math

    import numpy as np

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _fsync_dir(directory: Path) -> None:
    for path in directory.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
