"""Where ModLens finds its bundled files and the active model."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = PROJECT_ROOT / "assets"
DEFAULT_MODEL_DIR = ASSETS_DIR / "model"
SAMPLE_POSTS = ASSETS_DIR / "sample_posts.csv"
MODEL_ENV = "MODLENS_MODEL"


def active_model_dir() -> Path:
    """The model used when none is given.

    ``$MODLENS_MODEL`` if set (a model directory), else the registry's active version,
    which is the bundled default model until another version is activated.
    """
    override = os.environ.get(MODEL_ENV)
    if override:
        return Path(override)
    from core.registry import ModelRegistry

    return ModelRegistry().active_dir()
