"""Frozen settings for redacting personal data, and the placeholders that replace it."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import ModLensError

ENTITIES: tuple[str, ...] = ("EMAIL", "PHONE", "URL", "IP", "CARD", "HANDLE", "IBAN")
"""Kinds of personal data ModLens redacts, in the order tables list them."""

PLACEHOLDERS: dict[str, str] = {entity: f"<{entity}>" for entity in ENTITIES}
"""What a redacted span is shown as: ``<EMAIL>``, ``<PHONE>``, ... ."""

PRESIDIO_TYPES: dict[str, str] = {
    "EMAIL": "EMAIL_ADDRESS",
    "PHONE": "PHONE_NUMBER",
    "URL": "URL",
    "IP": "IP_ADDRESS",
    "CARD": "CREDIT_CARD",
    "HANDLE": "SOCIAL_HANDLE",
    "IBAN": "IBAN_CODE",
}
"""Presidio entity type of each kind (Presidio's own names where it has one)."""

DEFAULT_PHONE_REGIONS: tuple[str, ...] = ("US", "GB", "AU")
"""Regions whose national phone formats are recognised (``+`` international numbers always are).

US also covers Canada and the rest of the North American plan. Each region is
one more scan by ``phonenumbers``, and regions with permissive national plans
turn ordinary numbers into phone numbers: under IN every 10-digit number such
as ``1234567890`` is valid, so IN, DE and the like are left out by default.
"""

MAX_CHARS_CAP = 10_000_000
"""Largest ``max_chars`` allowed (a 10 MB cell)."""


@dataclass(frozen=True)
class RedactionConfig:
    """What to redact and how much of each text to scan.

    Parameters
    ----------
    entities
        Kinds to redact, from :data:`ENTITIES`; all of them by default.
    enabled
        False returns every text unchanged (the per-upload switch for roles
        allowed to see personal data).
    phone_regions
        ISO region codes whose national phone formats are recognised.
    max_chars
        Characters of each text that are scanned and shown. A longer text is cut
        there and ends with a note saying how many characters were left out, so
        nothing unscanned is ever shown and one huge cell cannot stall the
        server. Scanning is linear: 100,000 characters take 0.1-0.5 s for
        ordinary text and at most about 4 s for the most hostile input tried
        (``"1 1 1 ..."``, which keeps the phone-number parser busy) on the
        2-core machine, so a 10 MB cell costs no more than a 100 kB one
        (``benchmarks/redaction.py``).

    """

    entities: frozenset[str] = field(default_factory=lambda: frozenset(ENTITIES))
    enabled: bool = True
    phone_regions: tuple[str, ...] = DEFAULT_PHONE_REGIONS
    max_chars: int = 100_000

    def __post_init__(self) -> None:
        """Reject unknown entity kinds, bad regions and out-of-range sizes with a message saying what is allowed."""
        if isinstance(self.entities, str):
            raise ModLensError(f"Redaction entities must be a set of names from {', '.join(ENTITIES)}, not a string.")
        object.__setattr__(self, "entities", frozenset(str(entity).upper() for entity in self.entities))
        unknown = sorted(self.entities - set(ENTITIES))
        if unknown:
            raise ModLensError(f"Unknown redaction entities {', '.join(unknown)}. Choose from {', '.join(ENTITIES)}.")
        regions = tuple(str(region).upper() for region in self.phone_regions)
        bad = [region for region in regions if len(region) != 2 or not region.isalpha()]
        if bad:
            raise ModLensError(f"Phone regions must be two-letter ISO codes such as US or GB, not {', '.join(bad)}.")
        object.__setattr__(self, "phone_regions", regions)
        if isinstance(self.max_chars, bool) or not isinstance(self.max_chars, int):
            raise ModLensError(f"max_chars must be a whole number of characters, not {self.max_chars!r}.")
        if not 1_000 <= self.max_chars <= MAX_CHARS_CAP:
            raise ModLensError(f"max_chars must be between 1,000 and {MAX_CHARS_CAP:,}; got {self.max_chars:,}.")

    @property
    def active(self) -> tuple[str, ...]:
        """Kinds that are redacted, in :data:`ENTITIES` order (empty when disabled)."""
        if not self.enabled:
            return ()
        return tuple(entity for entity in ENTITIES if entity in self.entities)
