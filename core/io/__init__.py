"""Reading posts and writing results: formats, encodings, streaming, labels, safe export.

- :mod:`~core.io.posts`: one validated table from any supported file (the entry point).
- :mod:`~core.io.columns`: the file's post id column and the names posts go by (id, else row number).
- :mod:`~core.io.streaming`: the same rules chunk by chunk, with a chunked writer.
- :mod:`~core.io.encoding` / :mod:`~core.io.labels`: bytes to text, label values to 0/1/NaN.
- :mod:`~core.io.export`: CSV with formula escaping, Parquet with metadata, JSON Lines.
- :mod:`~core.io.limits`: the bounds every reader checks; :mod:`~core.io.source`: only regular files, never blocking.
- :mod:`~core.io.delimited` / :mod:`~core.io.jsonl` / :mod:`~core.io.excel`: one bounded reader per format.
- :mod:`~core.io.atomic` / :mod:`~core.io.targets`: outputs written whole or not at all, and only where allowed.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "Posts": "core.io.posts",
    "SUPPORTED": "core.io.posts",
    "TEXT_COLUMN_NAMES": "core.io.posts",
    "describe_columns": "core.io.posts",
    "find_text_column": "core.io.posts",
    "read_posts": "core.io.posts",
    "read_table": "core.io.posts",
    "resolve_text_column": "core.io.posts",
    "text_column_candidates": "core.io.posts",
    "ID_COLUMN_NAMES": "core.io.columns",
    "find_id_column": "core.io.columns",
    "find_author_column": "core.io.columns",
    "naming_id_column": "core.io.columns",
    "post_names": "core.io.columns",
    "ChunkWriter": "core.io.streaming",
    "iter_posts": "core.io.streaming",
    "decode_text": "core.io.encoding",
    "parse_labels": "core.io.labels",
    "escape_cell": "core.io.export",
    "escape_formulas": "core.io.export",
    "to_csv_bytes": "core.io.export",
    "to_parquet_bytes": "core.io.export",
    "write_table": "core.io.export",
    "DEFAULT_LIMITS": "core.io.limits",
    "ReadLimits": "core.io.limits",
    "read_source": "core.io.source",
    "atomic_path": "core.io.atomic",
    "atomic_write_bytes": "core.io.atomic",
    "atomic_write_text": "core.io.atomic",
    "check_output_file": "core.io.targets",
    "refuse_dangerous_folder": "core.io.targets",
}
"""Public name -> module; loaded on first use so that importing the package stays cheap."""

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
