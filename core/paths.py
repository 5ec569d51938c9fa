"""Where ModLens finds its bundled files and the active model."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = PROJECT_ROOT / "assets"
DEFAULT_MODEL_DIR = ASSETS_DIR / "model"
SAMPLE_POSTS = ASSETS_DIR / "sample_posts.csv"
MODEL_ENV = "MODLENS_MODEL"
