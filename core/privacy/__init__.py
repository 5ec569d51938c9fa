"""Redaction of personal data in what ModLens shows and exports.

E-mail addresses, phone numbers, URLs, IP addresses, payment-card numbers,
@handles and IBANs are found with Microsoft Presidio's analyzer (pattern recognizers only,
on a blank spaCy pipeline saved in ``assets/spacy_blank_en``: nothing is
downloaded) and replaced by ``<EMAIL>``, ``<PHONE>``, ``<URL>``, ``<IP>``,
``<CARD>``, ``<HANDLE>`` and ``<IBAN>`` with Presidio's anonymizer, also when written with
full-width, other-script or invisible characters, and in whole-number cells of
7-19 digits (a phone or card number kept as a number). Scoring and explanations
keep the original text; redaction is for display and export. Modules, one job
each:

- :mod:`~core.privacy.config`: :class:`RedactionConfig`, kinds and placeholders.
- :mod:`~core.privacy.patterns`: precise, linear-time patterns and pre-filters.
- :mod:`~core.privacy.validators`: Luhn, IBAN, IP, public-suffix checks (offline).
- :mod:`~core.privacy.recognizers`: the Presidio recognizers.
- :mod:`~core.privacy.blank_pipeline`: the saved spaCy pipeline (and the script that writes it).
- :mod:`~core.privacy.engine`: cached Presidio analyzer and anonymizer.
- :mod:`~core.privacy.fold`: look-alike and invisible characters folded to ASCII for the scan.
- :mod:`~core.privacy.scan`: bounded chunked scanning of one text.
- :mod:`~core.privacy.redact`: :func:`redact_texts`, :func:`redact_frame`.
- :mod:`~core.privacy.attributions`: token attributions over redacted text.
- :mod:`~core.privacy.logs`: keep post text out of logs.

Names are imported lazily: ``import core.privacy`` loads neither Presidio nor spaCy.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "ENTITIES": "config",
    "PLACEHOLDERS": "config",
    "RedactionConfig": "config",
    "Span": "scan",
    "RedactedText": "redact",
    "Redaction": "redact",
    "redact_text": "redact",
    "redact_texts": "redact",
    "redact_frame": "redact",
    "redact_attributions": "attributions",
    "map_attributions": "attributions",
    "redact_attribution_table": "attributions",
    "protect_logs": "logs",
    "describe_text": "logs",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'core.privacy' has no attribute {name!r}")
    module = importlib.import_module(f"core.privacy.{_EXPORTS[name]}")
    return getattr(module, name)


def __dir__() -> list[str]:
    """List the public names for tab completion."""
    return __all__
