"""Save and load model directories: ``model.keras``, ``metadata.json`` and ``model_card.md``.

Saving is atomic (everything is written to a temporary sibling directory that is
then renamed into place), so an interrupted save never leaves half a model.
Loading uses Keras ``safe_mode=True`` and ``compile=False`` and turns every
problem into a :class:`~core.errors.ModLensError`.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import ConfigError, ModelError, OutputError
from core.io.atomic import atomic_write_text
from core.io.targets import refuse_dangerous_folder
from core.model.config import ModelConfig
from core.model.metadata import FORMAT_VERSION, METADATA_FILE, ModelMetadata, read_metadata, write_metadata

__all__ = [
    "CARD_FILE",
    "FORMAT_VERSION",
    "METADATA_FILE",
    "MODEL_FILE",
    "MODEL_FILES",
    "LoadedArtifact",
    "ModelMetadata",
    "build_metadata",
    "check_model_target",
    "library_versions",
    "load_artifact",
    "model_config",
    "read_metadata",
    "save_model_dir",
]

if TYPE_CHECKING:
    import keras

MODEL_FILE = "model.keras"
CARD_FILE = "model_card.md"
MODEL_FILES = (MODEL_FILE, METADATA_FILE, CARD_FILE)
"""Everything a model directory holds; ModLens replaces only folders holding nothing else."""


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


@dataclass(frozen=True)
class LoadedArtifact:
    """What a model directory holds: the Keras string model, its metadata and where it was read from."""

    model: keras.Model
    metadata: ModelMetadata
    directory: Path

    @property
    def labels(self) -> list[str]:
        """Output names, in column order."""
        return list(self.metadata.labels)

    @property
    def thresholds(self) -> dict[str, float]:
        """Per-label thresholds (0.5 where the metadata has none)."""
        return dict(self.metadata.thresholds)

    @property
    def config(self) -> ModelConfig:
        """The hyper-parameters the model was trained with."""
        return model_config(self.metadata, self.directory)


def model_config(metadata: ModelMetadata, directory: Path | str = "") -> ModelConfig:
    """The :class:`ModelConfig` of the metadata's ``config``, or a :class:`ModelError` naming the setting."""
    try:
        return ModelConfig.from_dict(dict(metadata.config))
    except (ConfigError, TypeError) as exc:
        raise ModelError(
            f"{Path(directory) / METADATA_FILE}: 'config' is invalid ({exc}). "
            "Restore the model directory or retrain it."
        ) from exc


def build_metadata(
    *,
    labels: Sequence[str],
    thresholds: Mapping[str, float],
    config: ModelConfig,
    history: list[dict[str, Any]],
    validation: Mapping[str, Any],
    extra: Mapping[str, Any],
) -> ModelMetadata:
    """Metadata of a fitted model; ``extra`` (training data, metrics, name, new keys) is merged in."""
    metadata: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "name": extra.get("name", "modlens-model"),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "labels": list(labels),
        "thresholds": {k: float(v) for k, v in thresholds.items()},
        "preset": config.preset,
        "config": config.to_dict(),
        "history": list(history),
        "validation": dict(validation),
        "libraries": library_versions(),
    }
    metadata.update({k: v for k, v in extra.items() if k not in {"labels", "thresholds"}})
    return ModelMetadata.from_dict(_jsonable(metadata), source="the new model's metadata")


def check_model_target(target: str | Path, *, overwrite: bool = False) -> Path:
    """Check that a model directory may be written at ``target``, before any training; returns it resolved.

    Allowed: a new path, an empty folder, or (with ``overwrite``) a ModLens model
    directory, i.e. a folder holding only ``model.keras``, ``metadata.json`` and
    ``model_card.md`` as regular files. Refused, with :class:`~core.errors.OutputError`:
    a file, a symbolic link, any other non-empty folder, a system folder, the home
    folder (see :func:`~core.io.targets.refuse_dangerous_folder`).
    """
    path = Path(target).expanduser()
    resolved = refuse_dangerous_folder(path, what="model directory")
    if path.is_symlink():
        raise OutputError(f"'{path}' is a symbolic link. Give a new folder for the model, not a link.")
    _check_parent(resolved, path)
    if not os.path.lexists(resolved):
        return resolved
    if not resolved.is_dir():
        raise OutputError(f"'{path}' is a file, not a model directory. Choose a new folder for the model.")
    entries = sorted(os.listdir(resolved))
    if not entries:
        return resolved
    foreign = [name for name in entries if name not in MODEL_FILES or not (resolved / name).is_file()]
    foreign += [name for name in entries if (resolved / name).is_symlink() and name not in foreign]
    if foreign or METADATA_FILE not in entries:
        shown = ", ".join(foreign[:5] or entries[:5]) + (", ..." if len(foreign or entries) > 5 else "")
        raise OutputError(
            f"'{path}' is not empty and is not a ModLens model directory (it holds {shown}). "
            "ModLens only replaces its own model directories: choose a new folder for the model."
        )
    if not overwrite:
        raise OutputError(
            f"'{path}' already holds a ModLens model. Add --overwrite to replace it, or choose a new folder."
        )
    return resolved


def _check_parent(resolved: Path, shown: Path) -> None:
    """Refuse a target that cannot be written: under a file, or in a folder ModLens may not write to.

    The model is saved into a temporary folder beside the target, then renamed; without this
    check the mistake surfaced only when the trained model was saved.
    """
    parent = resolved.parent
    while not os.path.lexists(parent) and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(
            f"'{shown}' cannot be created: '{parent}' is a file, not a folder. Choose a new folder for the model."
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(
            f"'{shown}' cannot be created: the folder '{parent}' is not writable. Choose a folder you can write to."
        )


def save_model_dir(
    model: keras.Model, target: Path, *, metadata: ModelMetadata, card: str, overwrite: bool = False
) -> Path:
    """Write the model directory atomically (``metadata`` from :func:`build_metadata`) and return its path.

    ``target`` is checked with :func:`check_model_target`: an existing model directory is
    replaced only with ``overwrite``, anything else that is there is never touched.
    """
    target = check_model_target(target, overwrite=overwrite)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    except OSError as exc:
        raise OutputError(f"Cannot write the model to '{target}' ({exc}). Choose another folder.") from exc
    staging.chmod(0o755)
    try:
        model.save(staging / MODEL_FILE)
        _check_loads(staging / MODEL_FILE, target)
        write_metadata(staging, metadata)
        atomic_write_text(staging / CARD_FILE, card or _minimal_card(metadata))
        _fsync_dir(staging)
        check_model_target(target, overwrite=overwrite)  # again: the folder may have changed while saving
        backup = None
        if target.exists() and os.listdir(target):
            backup = target.parent / f".{target.name}.old-{os.getpid()}"
            os.replace(target, backup)
        try:
            os.replace(staging, target)
        except OSError:
            if backup is not None:
                os.replace(backup, target)  # the old model back in place
            raise
        if backup is not None:
            _remove_model_dir(backup)
    except OSError as exc:  # a full disk, a folder made read-only while training...
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(
            f"Cannot write the model to '{target}' ({exc}); nothing there was changed. Free space or choose "
            "another folder, then train again."
        ) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _check_loads(model_path: Path, target: Path) -> None:
    """Load a freshly saved archive as the dashboard will, so a model that cannot load never replaces one that can."""
    import keras

    try:
        keras.saving.load_model(model_path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types for archives it cannot read back
        raise ModelError(
            f"The trained model could not be saved in a form that loads again ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:160]}); '{target}' was left as it was. Retrain with other settings "
            "and report this to the ModLens maintainers."
        ) from exc


def _remove_model_dir(directory: Path) -> None:
    """Delete a model directory file by file: only ModLens's own files, never a tree it did not write."""
    for name in MODEL_FILES:
        with contextlib.suppress(FileNotFoundError):
            (directory / name).unlink()
    with contextlib.suppress(OSError):
        directory.rmdir()


def load_artifact(directory: Path) -> LoadedArtifact:
    """Load the Keras model and metadata of a model directory, with clear errors for bad directories."""
    import keras

    metadata = read_metadata(directory)
    model_config(metadata, directory)  # a damaged config is reported before the (slow) Keras load
    model_path = directory / MODEL_FILE
    if not model_path.exists():
        raise ModelError(f"'{directory}' has no {MODEL_FILE}. Restore the model directory or retrain it.")
    if not model_path.is_file() or not zipfile.is_zipfile(model_path):
        raise ModelError(f"{model_path} is damaged (not a Keras archive). Restore it or retrain the model.")
    try:
        model = keras.saving.load_model(model_path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types for damaged or foreign archives
        raise ModelError(
            f"{model_path} could not be loaded ({type(exc).__name__}: {str(exc).splitlines()[0][:160]}). "
            "Restore it or retrain the model."
        ) from exc
    labels = list(metadata.labels)
    outputs = int(model.output_shape[-1])
    if outputs != len(labels):
        raise ModelError(
            f"The model in '{directory}' has {outputs} outputs but its metadata names {len(labels)} labels. "
            "Restore the model directory or retrain it."
        )
    return LoadedArtifact(model=model, metadata=metadata, directory=directory)


def _minimal_card(metadata: ModelMetadata) -> str:
    lines = [f"# Model card: {metadata.name}", "", f"Labels: {', '.join(metadata.labels)}."]
    lines += [f"- threshold `{k}`: {v:.3f}" for k, v in metadata.thresholds.items()]
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
