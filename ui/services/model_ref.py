"""The reference a result keeps to the model that scored it (no Streamlit: results and tests use it as is)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelRef:
    """Which model scored a result: enough to load it again, name it and key caches by it.

    Attributes
    ----------
    directory
        The model directory it was loaded from (resolved).
    version
        Short hash of the directory and the model's metadata: part of every cache key.
    name
        The model's name (``modlens-default-v3``).
    number
        Its version in the model registry, or None for a directory outside it (``$MODLENS_MODEL``).

    """

    directory: str
    version: str
    name: str
    number: int | None = None

    @property
    def title(self) -> str:
        """How pages name it: ``modlens-default-v3 (version 0)``."""
        return f"{self.name} (version {self.number})" if self.number is not None else self.name

    @property
    def tag(self) -> str:
        """Short form for exports: ``v3``, or the hash for a model outside the registry."""
        return f"v{self.number}" if self.number is not None else self.version

    def same_model(self, other: ModelRef | None) -> bool:
        """True when ``other`` was loaded from the same directory (thresholds may have changed since)."""
        return other is not None and other.directory == self.directory
