"""Regular expressions for personal data: precise recognizer patterns and cheap pre-filters.

The recognizer patterns run in Presidio (the ``regex`` module, case-insensitive).
Every repetition is bounded and every pattern can only start at the beginning of
a run of characters (a look-behind rules out starting inside one; an e-mail
address may also start at a word inside one, trying at most 64 characters from
there), so matching is linear in the text length even on hostile input such as
``a.a.a.a...`` or a 10 MB run of digits. Matches are then confirmed by :mod:`core.privacy.validators`.

The pre-filters are looser (they may fire where nothing is redacted, never the
other way round) and use the standard :mod:`re` module; a text none of them
fires on skips Presidio altogether.
"""

from __future__ import annotations

import re

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_BODY = r"""(?:(?!&\#x?[0-9a-f]{1,7};)[^\s<>"'`()]|\([^\s<>"'`()]{0,256}\))"""
"""One character of a link, or a balanced ``(...)``; an HTML character reference (``&#8221;``) ends the link."""
_NO_TRAILING_PUNCTUATION = r"(?<![.,;:!?*])"
_PATH = rf"(?:[/?#]{_BODY}{{0,2048}}{_NO_TRAILING_PUNCTUATION})"
_PORT = r"(?::[0-9]{1,5}(?![0-9]))"
_RUN_START = r"(?<![\w.@/:%+-])"

BARE_DOMAIN_TLDS = (
    "com|org|net|edu|gov|mil|info|biz|io|co|ly|gl|gd|tv|fm|xyz|cc|ws|uk|ca|au|de|fr|ru|jp|cn|nl|pl|br|es|ch|se|"
    "eu|nz|za|mx|kr|tw|hk|sg|ie|dk|fi|cz|gr|ro|hu|ua|tk|ml|ga|cf|gq"
)
"""Top-level domains accepted for a link written without ``http://``, ``www.`` or a path.

Only lowercase, and none that is also an English word (``in``, ``it``, ``is``,
``no``, ``me``, ``to``, ``at``, ``us``, ``so``, ``be``, ``top``, ``news``...):
a missing space after a full stop (``home.It was late``) must not become a
link. Any other suffix is still recognised when the link has a scheme, ``www.``
or a path (``t.me/channel``, ``youtu.be/abc``).
"""

EMAIL = (
    r"(?<![\w@])\w(?:[\w.%+-]{0,62}\w)?@"
    r"(?:\w(?:[\w-]{0,61}\w)?\.){1,8}[a-z]{2,24}(?![\w-]|\.\w)"
)
"""An e-mail address; the domain must have a known public suffix (validated).

It starts at a word character after a non-word character other than ``@``: at
the start of a run, or after ``.``, ``-``, ``+`` or ``%`` inside one when no
address starts earlier (``--john@example.com``, or ``xxx…-john@example.com``
where the run before ``john`` passes the 64-character limit of a local part).
Each start tries at most 64 characters before its ``@``, so matching stays
linear.
"""

URL_SCHEME = rf"(?<![\w])(?:https?|ftp)://{_BODY}{{1,2048}}{_NO_TRAILING_PUNCTUATION}"
"""A link with a scheme; trailing punctuation and an unbalanced ``)`` are left outside."""

URL_WWW = rf"{_RUN_START}www[0-9]{{0,3}}\.(?:{_LABEL}\.){{1,8}}[a-z]{{2,24}}(?![\w-]|\.\w){_PORT}?{_PATH}?"
"""A link starting with ``www.``; the suffix must be a public one (validated)."""

URL_BARE = rf"{_RUN_START}(?:{_LABEL}\.){{1,8}}(?-i:{BARE_DOMAIN_TLDS})(?![\w-]|\.\w){_PORT}?{_PATH}?"
"""A bare domain with one of :data:`BARE_DOMAIN_TLDS` (``example.com``, ``bbc.co.uk/news``)."""

URL_PATH = rf"{_RUN_START}(?:{_LABEL}\.){{1,8}}(?-i:[a-z]{{2,24}})/{_BODY}{{0,2048}}{_NO_TRAILING_PUNCTUATION}"
"""A bare domain with any public suffix followed by a path (``t.me/name``); validated."""

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
IPV4 = rf"(?<![\w.-]){_OCTET}(?:\.{_OCTET}){{3}}(?![\w-]|\.[0-9])"
"""A dotted-quad IPv4 address that is not part of a longer dotted number."""

IPV6 = r"(?<![\w:.])[0-9a-f:]{2,39}(?:(?<=:)[0-9]{1,3}(?:\.[0-9]{1,3}){3})?(?:%[0-9a-z]{1,15})?(?![\w:])"
"""An IPv6 candidate (hex groups and colons); only valid addresses are kept (validated)."""

CARD = (
    r"(?<![\w.,+-])(?<![0-9][ -])"
    r"(?:[0-9]{4}([ -]?)[0-9]{4}\1[0-9]{4}\1[0-9]{1,7}|[0-9]{4}([ -]?)[0-9]{6}\2[0-9]{4,5})"
    r"(?![0-9]|[.,][0-9]|[ -][0-9])"
)
"""A 13-19 digit number, plain or in 4-4-4-4 / 4-6-5 groups; scheme digit and Luhn checksum are validated."""

HANDLE = r"(?<![\w.@+-])@\w(?:[\w.]{0,28}\w)?(?:@(?:\w(?:[\w-]{0,61}\w)?\.){1,8}[a-z]{2,24})?(?![\w@]|\.\w)"
"""An ``@handle`` (up to 30 characters, dots inside allowed), with an optional ``@server`` (Mastodon)."""

IBAN = r"(?<![\w.,+-])[a-z]{2}[0-9]{2}(?:[a-z0-9]{11,30}|(?:[ -][a-z0-9]{4}){2,7}(?:[ -][a-z0-9]{1,4})?)(?!\w)"
"""An IBAN: country letters, check digits and 11-30 letters or digits, plain or in groups of 4 (``GB82 WEST 1234 ...``).

Country, length and the ISO 7064 mod-97 check digits are validated.
"""

PHONE_WINDOW = re.compile(r"(?<![\w.+])\+?\(?[0-9][0-9 \t().\-/]{5,62}[0-9](?!\w)")
"""A run that may hold phone numbers: 7-64 characters of digits and phone separators.

Only these windows are handed to ``phonenumbers`` (whose own scan of a whole
post verifies every date, decimal and IP address in it, once per region).
"""
PHONE_WINDOW_SKIP = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""Windows that are an IPv4 address or an ISO date, never a phone number."""

CANDIDATES: dict[str, re.Pattern[str]] = {
    "EMAIL": re.compile(r"\w@\w[\w-]*\.\w"),
    "HANDLE": re.compile(r"(?<![\w.@+-])@\w"),
    "URL": re.compile(
        rf"(?:https?|ftp)://|www[0-9]{{0,3}}\.|\w\.(?:{BARE_DOMAIN_TLDS})(?![\w-])|\w\.[a-z]{{2,24}}/", re.IGNORECASE
    ),
    "IP": re.compile(
        r"[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]|[0-9a-f]::|::[0-9a-f]|[0-9a-f]:[0-9a-f]{1,4}:", re.IGNORECASE
    ),
    "CARD": re.compile(r"[0-9](?:[ -]?[0-9]){12,18}"),
    "PHONE": re.compile(r"[0-9](?:[ \t().\-/]{0,3}[0-9]){6,}"),
    "IBAN": re.compile(r"[a-z]{2}[0-9]{2}[ -]?[a-z0-9]{4}[ -]?[a-z0-9]{3}", re.IGNORECASE),
}
"""Loose per-kind pre-filters: a kind whose pre-filter does not fire on a text is not looked for in it."""


def candidate_entities(text: str, entities: tuple[str, ...]) -> tuple[str, ...]:
    """Kinds among ``entities`` that may occur in ``text`` (their pre-filter fires)."""
    return tuple(entity for entity in entities if CANDIDATES[entity].search(text))
