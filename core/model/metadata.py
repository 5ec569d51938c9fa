"""``metadata.json`` of a model directory as one typed, frozen, versioned record: :class:`ModelMetadata`.

This is the only module that reads or writes ``metadata.json``. It knows nothing of
the classifier: it checks the file against its schema once, on load, and every
problem is a :class:`~core.errors.ModelError` naming the field and saying what to
do. Keys it does not know (added by newer trainings: functional cases,
extra results) are kept in :attr:`ModelMetadata.extra` and written back unchanged.

``ModelMetadata`` is also a read-only :class:`~collections.abc.Mapping` of the JSON
document (``meta["name"]``, ``meta.get("headline")``), so code written for the old
plain dict keeps working while it moves to the typed attributes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from core.errors import ConfigError, InputError, ModelError
from core.io.atomic import atomic_write_text
from core.io.source import open_regular

__all__ = ["FORMAT_VERSION", "METADATA_FILE", "ModelMetadata", "read_metadata", "write_metadata"]

FORMAT_VERSION = 1
"""Version of the model-directory format this ModLens reads and writes."""
METADATA_FILE = "metadata.json"
MAX_METADATA_BYTES = 16 << 20
"""A metadata.json larger than this is damaged (real ones are tens of KB)."""
DEFAULT_THRESHOLD = 0.5
"""Threshold of a label that the metadata gives none for."""


@dataclass(frozen=True)
class ModelMetadata(Mapping[str, Any]):
    """What ``metadata.json`` says about a model: identity, labels, thresholds, training and results.

    Attributes
    ----------
    labels
        Output names in column order (unique, non-empty strings).
    thresholds
        One threshold in [0, 1] per label (0.5 where the file had none).
    extra
        Every key of the file this version does not know, kept as written.

    The other attributes mirror the keys of ``metadata.json``; ``None`` or empty
    where an older file lacks them.

    """

    labels: tuple[str, ...]
    thresholds: Mapping[str, float]
    name: str = "modlens-model"
    created: str = ""
    format_version: int = FORMAT_VERSION
    preset: str = ""
    config: Mapping[str, Any] = field(default_factory=dict)
    history: tuple[Mapping[str, Any], ...] = ()
    validation: Mapping[str, Any] = field(default_factory=dict)
    libraries: Mapping[str, Any] = field(default_factory=dict)
    command: str = ""
    training_seconds: float | None = None
    training_data: Mapping[str, Any] = field(default_factory=dict)
    split_seed: int | None = None
    n_train: int | None = None
    n_validation: int | None = None
    evaluation: tuple[Mapping[str, Any], ...] = ()
    headline: Mapping[str, float | None] = field(default_factory=dict)
    checks: Mapping[str, Any] = field(default_factory=dict)
    debias: Mapping[str, Any] | None = None
    calibration: Mapping[str, Any] | None = None
    recipe: Mapping[str, Any] | None = None
    seed_runs: Mapping[str, Any] | None = None
    card_appendix: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    # -- reading and writing -------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: object, *, source: str = METADATA_FILE) -> ModelMetadata:
        """Check a parsed ``metadata.json`` against the schema and build the record.

        Raises :class:`~core.errors.ModelError` naming ``source``, the field and what it must be.
        """
        if not isinstance(data, Mapping):
            raise _wrong(source, None, "a JSON object", data)
        if "labels" not in data:
            raise ModelError(f"{source} has no labels. Restore the model directory or retrain it.")
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise ModelError(
                f"{source} has format version {version!r}; this ModLens reads version {FORMAT_VERSION}. "
                "Retrain the model with this version."
            )
        labels = _labels(data["labels"], source)
        values: dict[str, Any] = {"labels": labels, "thresholds": _thresholds(data.get("thresholds"), labels, source)}
        for item in fields(cls):
            if item.name in values or item.name == "extra" or item.name not in data:
                continue
            values[item.name] = _CHECKS[item.name](data[item.name], source, item.name)
        known = {item.name for item in fields(cls)} - {"extra"}
        values["extra"] = {str(k): v for k, v in data.items() if k not in known}
        return cls(**values)

    @classmethod
    def coerce(cls, value: ModelMetadata | Mapping[str, Any]) -> ModelMetadata:
        """``value`` if it already is a ``ModelMetadata``, else checked with :meth:`from_dict`."""
        return value if isinstance(value, ModelMetadata) else cls.from_dict(value)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: known keys in schema order, then the extra keys."""
        out: dict[str, Any] = {"format_version": self.format_version, "name": self.name, "created": self.created}
        for item in fields(self):
            if item.name in out or item.name == "extra":
                continue
            value = getattr(self, item.name)
            if value is None and item.default is None:
                continue
            out[item.name] = _plain(value)
        out.update({k: v for k, v in self.extra.items() if k not in out})
        return out

    def with_thresholds(self, thresholds: Mapping[str, object]) -> ModelMetadata:
        """Copy with some thresholds changed; each must be a known label and a number in [0, 1]."""
        unknown = sorted(set(thresholds) - set(self.labels))
        if unknown:
            raise InputError(f"Unknown label(s) {', '.join(unknown)}; labels are {list(self.labels)}.")
        for label, value in thresholds.items():
            if not _is_number(value) or not 0.0 <= float(value) <= 1.0:  # type: ignore[arg-type]
                raise ConfigError(f"The threshold for '{label}' must be a number from 0 to 1, not {value!r}.")
        merged = {**self.thresholds, **{label: float(v) for label, v in thresholds.items()}}  # type: ignore[arg-type]
        return replace(self, thresholds=merged)

    # -- the read-only mapping view of the JSON document ----------------------------------------
    @cached_property
    def _document(self) -> dict[str, Any]:
        return self.to_dict()

    def __getitem__(self, key: str) -> Any:
        return self._document[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._document)

    def __len__(self) -> int:
        return len(self._document)

    __hash__ = None  # type: ignore[assignment]  # holds mappings


def read_metadata(directory: str | Path) -> ModelMetadata:
    """Read and check ``metadata.json`` of a model directory, with clear errors for bad directories."""
    directory = Path(directory)
    if not directory.exists():
        raise ModelError(f"No model at '{directory}'. Give a model directory with --model, or train one.")
    if not directory.is_dir():
        raise ModelError(f"'{directory}' is a file, not a model directory. Give the folder that holds model.keras.")
    path = directory / METADATA_FILE
    if not path.exists() and not path.is_symlink():
        raise ModelError(
            f"'{directory}' is not a ModLens model: {METADATA_FILE} is missing. Train or copy a full model directory."
        )
    try:
        with open_regular(path) as handle:
            raw = handle.read(MAX_METADATA_BYTES + 1)
    except InputError as exc:
        raise ModelError(f"{path} cannot be read ({exc}). Restore the model directory or retrain it.") from exc
    if len(raw) > MAX_METADATA_BYTES:
        raise ModelError(f"{path} is larger than {MAX_METADATA_BYTES >> 20} MB, so it is damaged. Restore or retrain.")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ModelError(f"{path} is damaged ({exc}). Restore the model directory or retrain it.") from exc
    return ModelMetadata.from_dict(data, source=str(path))


def write_metadata(directory: str | Path, metadata: ModelMetadata) -> Path:
    """Write ``metadata.json`` into ``directory`` in one step (temporary file, then rename)."""
    path = Path(directory) / METADATA_FILE
    atomic_write_text(path, json.dumps(metadata.to_dict(), indent=2, allow_nan=False) + "\n")
    return path


# -- field checks ---------------------------------------------------------------------------------
def _wrong(source: str, name: str | None, expected: str, value: object) -> ModelError:
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    where = f"'{name}'" if name else "the file"
    return ModelError(
        f"{source}: {where} must be {expected}, not {shown}. Restore the model directory or retrain the model."
    )


def _labels(value: object, source: str) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
        or len(set(value)) != len(value)
    ):
        raise _wrong(source, "labels", "a non-empty list of distinct label names (strings)", value)
    return tuple(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _thresholds(value: object, labels: Sequence[str], source: str) -> dict[str, float]:
    if value is None:
        value = {}
    expected = "a mapping of each label to a number from 0 to 1"
    if not isinstance(value, Mapping):
        raise _wrong(source, "thresholds", expected, value)
    for label, threshold in value.items():
        if not _is_number(threshold) or not 0.0 <= float(threshold) <= 1.0:
            raise _wrong(source, "thresholds", expected, {label: threshold})
    return {label: float(value.get(label, DEFAULT_THRESHOLD)) for label in labels}


def _text(value: object, source: str, name: str) -> str:
    if not isinstance(value, str):
        raise _wrong(source, name, "text", value)
    return value


def _optional_text(value: object, source: str, name: str) -> str | None:
    return None if value is None else _text(value, source, name)


def _mapping(value: object, source: str, name: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _wrong(source, name, "a mapping (JSON object)", value)
    return dict(value)


def _optional_mapping(value: object, source: str, name: str) -> dict[str, Any] | None:
    return None if value is None else _mapping(value, source, name)


def _records(value: object, source: str, name: str) -> tuple[dict[str, Any], ...]:
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise _wrong(source, name, "a list of mappings (JSON objects)", value)
    return tuple(dict(v) for v in value)


def _count(value: object, source: str, name: str) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise _wrong(source, name, "a whole number", value)
    return value


def _seconds(value: object, source: str, name: str) -> float | None:
    if value is not None and (not _is_number(value) or value < 0):
        raise _wrong(source, name, "a number of seconds", value)
    return None if value is None else float(value)


def _version(value: object, source: str, name: str) -> int:
    return int(value)  # type: ignore[arg-type]  # checked in from_dict


def _headline(value: object, source: str, name: str) -> dict[str, float | None]:
    table = _mapping(value, source, name)
    for key, number in table.items():
        if number is not None and not _is_number(number):
            raise _wrong(source, name, "a mapping of metric names to numbers", {key: number})
    return table


_CHECKS = {
    "name": _text,
    "created": _text,
    "format_version": _version,
    "preset": _text,
    "config": _mapping,
    "history": _records,
    "validation": _mapping,
    "libraries": _mapping,
    "command": _text,
    "training_seconds": _seconds,
    "training_data": _mapping,
    "split_seed": _count,
    "n_train": _count,
    "n_validation": _count,
    "evaluation": _records,
    "headline": _headline,
    "checks": _mapping,
    "debias": _optional_mapping,
    "calibration": _optional_mapping,
    "recipe": _optional_mapping,
    "seed_runs": _optional_mapping,
    "card_appendix": _optional_text,
}
"""One check per schema field (labels and thresholds are checked together first)."""


def _plain(value: Any) -> Any:
    """Tuples to lists and mappings to dicts, recursively, for JSON."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
