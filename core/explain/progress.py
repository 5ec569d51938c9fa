"""Progress reporting and cancellation for long explanation runs.

A run over many posts calls ``progress(done, total)`` after each post; the
callback returning ``False`` stops the run, and so does a set cancel flag
(any object with ``is_set()``, such as :class:`threading.Event`). Stopping
keeps what was already computed, so the dashboard can show partial results.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

ProgressFn = Callable[[int, int], "bool | None"]
"""Called as ``progress(done, total)``; return ``False`` to stop."""


class CancelFlag(Protocol):
    """Anything with ``is_set()``, e.g. :class:`threading.Event`."""

    def is_set(self) -> bool:
        """Whether the run should stop."""
        ...


def cancelled(cancel: CancelFlag | None) -> bool:
    """Whether the cancel flag is given and set."""
    return cancel is not None and bool(cancel.is_set())


def report(progress: ProgressFn | None, done: int, total: int) -> bool:
    """Call the callback; return ``False`` if it asked to stop."""
    if progress is None:
        return True
    return progress(done, total) is not False
