"""The blank English spaCy pipeline that Presidio tokenizes with, saved in ``assets/spacy_blank_en``.

Presidio needs a spaCy pipeline, but ModLens uses only pattern recognizers, so
the pipeline is ``spacy.blank("en")``: a rule-based tokenizer with no trained
components and no weights. It is written once into the repository and loaded by
path, so nothing is downloaded at run time (Presidio downloads a model only when
the name it is given is neither an installed package nor an existing path).

Rebuild it (after a spaCy upgrade) with::

    .venv/bin/python -m core.privacy.blank_pipeline
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from core.errors import ModLensError
from core.paths import ASSETS_DIR

BLANK_PIPELINE_DIR = ASSETS_DIR / "spacy_blank_en"
"""Where the saved blank pipeline lives (``config.cfg``, ``meta.json``, ``tokenizer``, ``vocab/``)."""


def blank_pipeline_dir() -> Path:
    """The saved blank pipeline's folder, checked to exist.

    Raises
    ------
    ModLensError
        If the folder or its ``meta.json`` is missing (say how to rebuild it).

    """
    if not (BLANK_PIPELINE_DIR / "meta.json").is_file():
        raise ModLensError(
            f"The spaCy pipeline for redaction is missing from {BLANK_PIPELINE_DIR}. "
            "Restore it from the repository or run: python -m core.privacy.blank_pipeline"
        )
    return BLANK_PIPELINE_DIR


def write_blank_pipeline(target: Path = BLANK_PIPELINE_DIR) -> Path:
    """Save ``spacy.blank("en")`` to ``target``, replacing only a pipeline this function wrote.

    The pipeline is written to a temporary folder beside ``target`` and renamed
    into place when complete. An existing ``target`` that is not a saved spaCy
    pipeline (no ``meta.json``) is refused rather than replaced.
    """
    import spacy

    target = Path(target)
    if target.exists() and not (target / "meta.json").is_file():
        raise ModLensError(f"{target} exists and is not a saved spaCy pipeline; move it away or choose another path.")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        spacy.blank("en").to_disk(staging / "pipeline")
        if target.exists():
            old = staging / "old"
            target.rename(old)
        (staging / "pipeline").rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def main() -> int:
    """Write the pipeline and print where it went."""
    path = write_blank_pipeline()
    print(f"Wrote blank spaCy pipeline to {path}", file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
