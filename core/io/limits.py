"""Bounds on what one file may cost to read: size, rows, columns, cell length, time.

One upload must never take the server down. Every reader in :mod:`core.io` checks
these bounds *before* the expensive step where it can (file size from ``os.stat``,
an xlsx's zip directory and dimension claims, a CSV header line) and as it goes
otherwise (rows, cells, time), and raises :class:`~core.errors.LimitExceeded` with
a message that says what to do. The defaults are documented in README "Limits";
``max_file_mb`` is also the dashboard's upload limit (``server.maxUploadSize`` in
``.streamlit/config.toml``), and a test keeps the two equal.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.errors import LimitExceeded

__all__ = ["DEFAULT_LIMITS", "Deadline", "ReadLimits"]

MB = 1 << 20


@dataclass(frozen=True)
class ReadLimits:
    """Bounds of a file read; frozen so that one shared instance is safe across sessions.

    ``max_file_mb``, ``max_rows``, ``max_cells`` and ``max_seconds`` bound a file read
    whole (the dashboard and ``evaluate``, ``bias``, ``explain``, ``train``); the
    streaming reader of ``score`` keeps memory flat per chunk, so it applies the
    per-line, per-column and per-cell bounds but not those four.
    """

    max_file_mb: int = 200
    """Largest file read whole, in MiB (and the dashboard's upload limit)."""
    max_uncompressed_mb: int = 500
    """Largest total size of an xlsx's unpacked parts, or of a Parquet file's data once decoded, in MiB."""
    max_compression_ratio: float = 100.0
    """Largest unpacked/packed ratio of one xlsx part bigger than 1 MiB (a zip bomb has thousands)."""
    max_rows: int = 2_000_000
    """Most rows in a file read whole."""
    max_columns: int = 4_096
    """Most columns in any file (and most cells in any row)."""
    max_cells: int = 20_000_000
    """Most cells (rows x columns) in a file read whole: what bounds memory for wide files."""
    max_cell_chars: int = 32_000_000
    """Longest cell, in characters (a 10 MB post is read and scored; explanations read only its start)."""
    max_line_mb: int = 64
    """Longest line of a text file, in MiB (a line holds one row of cells).

    When ``score`` streams a CSV/TSV, a row whose quoted cells run over several lines
    counts as one line, measured in characters, and is refused before pandas builds it."""
    max_header_kb: int = 256
    """Longest header line of a CSV/TSV, in KiB: a million-column header is refused before parsing."""
    max_seconds: float = 120.0
    """Longest time to read one file whole, checked between blocks of rows."""

    @property
    def max_file_bytes(self) -> int:
        """``max_file_mb`` in bytes."""
        return self.max_file_mb * MB

    def check_size(self, size: int, what: str = "The file") -> None:
        """Raise when ``size`` bytes exceed ``max_file_mb``."""
        if size > self.max_file_bytes:
            raise LimitExceeded(
                f"{what} is {size / MB:,.0f} MB; the limit is {self.max_file_mb} MB. "
                "Split it into smaller files, or score it on the command line (python -m core score), "
                "which streams files of any length."
            )

    def check_columns(self, count: int, *, at_least: bool = False) -> None:
        """Raise when a table has more than ``max_columns`` columns (``at_least``: only part was counted)."""
        if count > self.max_columns:
            raise LimitExceeded(
                f"The file has {'at least ' if at_least else ''}{count:,} columns; the limit is {self.max_columns:,}. "
                "Keep only the columns you need (the text, labels, ids) and upload again."
            )

    def check_rows(self, count: int) -> None:
        """Raise when a table read whole has more than ``max_rows`` rows."""
        if count > self.max_rows:
            raise LimitExceeded(
                f"The file has more than {self.max_rows:,} rows. Split it into smaller files, or score it on "
                "the command line (python -m core score), which streams files of any length."
            )

    def check_cells(self, rows: int, columns: int) -> None:
        """Raise when ``rows`` x ``columns`` exceeds ``max_cells``."""
        if rows * columns > self.max_cells:
            raise LimitExceeded(
                f"The file has {rows:,} rows of {columns:,} columns, more than {self.max_cells:,} cells. "
                "Keep only the columns you need, or split the file."
            )

    def cell_too_long(self, length: int) -> LimitExceeded:
        """The error for a cell of ``length`` characters (raised by the caller)."""
        return LimitExceeded(
            f"A cell holds {length:,} characters; the limit is {self.max_cell_chars:,}. "
            "Check that the file's quotes are balanced, or shorten that cell."
        )


DEFAULT_LIMITS = ReadLimits()
"""The limits every reader uses unless given others."""


class Deadline:
    """Time left to read one file; :meth:`check` raises once ``seconds`` have passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def check(self) -> None:
        """Raise :class:`LimitExceeded` when the time is up."""
        if time.monotonic() > self.ends:
            raise LimitExceeded(
                f"Reading the file took longer than {self.seconds:.0f} s and was stopped. "
                "Split it into smaller files, or save it as CSV, which reads fastest."
            )
