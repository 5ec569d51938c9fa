"""Messages for failures nobody planned for: what failed, where, and what to try (never just "see the log").

A :class:`~core.errors.ModLensError` already says what to do and is shown as it is.
Anything else is a bug or the machine (memory, disk): the page says which step
failed, the error in one line, what to try, and when it happened so that the
server log (which keeps the traceback) can be searched. No widgets.
"""

from __future__ import annotations

import time

MAX_DETAIL = 160
"""Characters of the error's own message shown on the page."""


def one_line(exc: BaseException | str) -> str:
    """``TypeName: first line of the message`` (cut to :data:`MAX_DETAIL` characters)."""
    if isinstance(exc, str):
        text = exc.strip().splitlines()[-1] if exc.strip() else "unknown error"
    else:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 3] + "..."


def unexpected(action: str, error: BaseException | str, *, step: str, tries: str, when: float | None = None) -> str:
    """The message of an unexpected failure of ``action`` during ``step``.

    Parameters
    ----------
    action
        What failed, e.g. "Training".
    error
        The exception, or the last line of a traceback from a child process.
    step
        Where it failed, e.g. "during epoch 2 of 6".
    tries
        What the user can try, as full sentences.
    when
        Time of the failure (default: now), to find the traceback in the server log.

    """
    stamp = time.strftime("%H:%M:%S", time.localtime(when if when is not None else time.time()))
    return (
        f"{action} failed {step} ({one_line(error)}). {tries} "
        f"If it fails again, report it with the time {stamp}: the server log has the details from then."
    )
