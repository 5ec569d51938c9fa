"""Where the benchmarks find the public data sets: ``../shared/data`` beside the repository (never read by tests).

A benchmark that needs a file that is not there stops with one line naming the file
and the folder (exit code 2), instead of a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
"""The shared data folder of a checkout: ``../shared/data`` seen from the repository root."""


def missing_data(problem: str, data: Path = DATA) -> SystemExit:
    """Print ``problem`` and where the data is expected (one line on stderr); return the ``SystemExit(2)`` to raise."""
    print(
        f"error: {problem}. The benchmarks read the public data sets in {data} (../shared/data beside the "
        "repository): put them there, or point the benchmark's data option at them.",
        file=sys.stderr,
    )
    return SystemExit(2)


def data_file(*parts: str, data: Path = DATA) -> Path:
    """``data / parts``, checked to be a file.

    Raises
    ------
    SystemExit
        With code 2 (after one line on stderr) when the file is not there.

    """
    path = data.joinpath(*parts)
    if not path.is_file():
        raise missing_data(f"{path} not found", data)
    return path
