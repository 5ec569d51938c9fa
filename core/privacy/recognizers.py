"""Presidio recognizers for the kinds of personal data ModLens redacts.

All are pattern recognizers (no NER model): our own precise patterns from
:mod:`core.privacy.patterns`, each confirmed by a validator, plus Presidio's
``phonenumbers``-based :class:`PhoneRecognizer` run on candidate windows. A match whose validator
rejects it gets score 0 and is dropped by the analyzer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from core.privacy import patterns, validators
from core.privacy.config import PRESIDIO_TYPES

PATTERN_SCORE = 0.5
"""Score of a pattern match before validation; a validated match scores 1.0."""
PHONE_LENIENCY = 1
"""``phonenumbers`` leniency VALID: the number must be valid for its region (not just possible)."""


class ValidatedPatternRecognizer(PatternRecognizer):
    """A Presidio pattern recognizer whose matches count only when ``validator`` accepts them.

    Parameters
    ----------
    entity
        Presidio entity type, e.g. ``EMAIL_ADDRESS``.
    regexes
        ``{pattern name: regex}``; matched case-insensitively by Presidio.
    validator
        ``str -> bool`` on the matched text.

    """

    def __init__(self, entity: str, regexes: dict[str, str], validator: Callable[[str], bool]) -> None:
        self._validator = validator
        super().__init__(
            supported_entity=entity,
            name=f"ModLens{entity.title().replace('_', '')}Recognizer",
            patterns=[Pattern(name, regex, PATTERN_SCORE) for name, regex in regexes.items()],
            context=[],
            supported_language="en",
        )

    def validate_result(self, pattern_text: str) -> bool:
        """Accept the match only if the validator does (Presidio then scores it 1.0, else drops it)."""
        return bool(self._validator(pattern_text))


class WindowedPhoneRecognizer(PhoneRecognizer):
    """Presidio's ``phonenumbers``-based phone recognizer, run only on windows that can hold a number.

    Each window from :data:`~core.privacy.patterns.PHONE_WINDOW` with at least
    7 digits that is not an IP address or ISO date is scanned by Presidio's
    :class:`PhoneRecognizer`, and the results are moved back to positions in the
    whole text. Same findings, about half the time on posts full of numbers.
    """

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """Phone numbers in ``text`` (positions in ``text``)."""
        results: list[RecognizerResult] = []
        for window in patterns.PHONE_WINDOW.finditer(text):
            piece = window.group()
            digits = sum(char.isdigit() for char in piece)
            if digits < 7 or patterns.PHONE_WINDOW_SKIP.fullmatch(piece):
                continue
            for result in super().analyze(piece, entities, nlp_artifacts):
                result.start += window.start()
                result.end += window.start()
                results.append(result)
        return EntityRecognizer.remove_duplicates(results)


def _url_valid(text: str) -> bool:
    """A scheme link is always a link; others need a public suffix or an IP host."""
    if "://" in text:
        return bool(validators.host_of(text).strip("[].-"))
    return validators.url_valid(text)


def _ip_valid(text: str) -> bool:
    return validators.ipv4_valid(text) if ":" not in text else validators.ipv6_valid(text)


def build_recognizers(entities: tuple[str, ...], phone_regions: tuple[str, ...]) -> list[EntityRecognizer]:
    """Recognizers for the given ModLens kinds (``EMAIL``, ``PHONE``, ...), ready for a Presidio registry."""
    makers: dict[str, Callable[[], EntityRecognizer]] = {
        "EMAIL": lambda: ValidatedPatternRecognizer(
            PRESIDIO_TYPES["EMAIL"], {"email": patterns.EMAIL}, validators.email_valid
        ),
        "URL": lambda: ValidatedPatternRecognizer(
            PRESIDIO_TYPES["URL"],
            {
                "url_scheme": patterns.URL_SCHEME,
                "url_www": patterns.URL_WWW,
                "url_bare": patterns.URL_BARE,
                "url_path": patterns.URL_PATH,
            },
            _url_valid,
        ),
        "IP": lambda: ValidatedPatternRecognizer(
            PRESIDIO_TYPES["IP"], {"ipv4": patterns.IPV4, "ipv6": patterns.IPV6}, _ip_valid
        ),
        "CARD": lambda: ValidatedPatternRecognizer(
            PRESIDIO_TYPES["CARD"], {"card": patterns.CARD}, validators.card_number_valid
        ),
        "HANDLE": lambda: ValidatedPatternRecognizer(
            PRESIDIO_TYPES["HANDLE"], {"handle": patterns.HANDLE}, lambda text: len(text) > 1
        ),
        "IBAN": lambda: ValidatedPatternRecognizer(
            PRESIDIO_TYPES["IBAN"], {"iban": patterns.IBAN}, validators.iban_valid
        ),
        "PHONE": lambda: WindowedPhoneRecognizer(
            supported_entity=PRESIDIO_TYPES["PHONE"],
            supported_regions=phone_regions,
            leniency=PHONE_LENIENCY,
            context=["phone"],
        ),
    }
    return [makers[entity]() for entity in entities]
