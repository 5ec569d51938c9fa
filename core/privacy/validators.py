"""Checks that turn a regex match into a redaction only when it really is that kind of data.

Each check is pure and cheap. Domain checks use ``tldextract`` with its bundled
Public Suffix List snapshot only: no suffix list is fetched and nothing is cached
on disk (``suffix_list_urls=()``, ``cache_dir=None``).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

CARD_LENGTHS = range(13, 20)
"""Payment-card numbers have 13 to 19 digits (ISO/IEC 7812)."""
CARD_FIRST_DIGITS = frozenset("23456")
"""Major industry identifiers of card schemes: 2 and 5 Mastercard, 3 Amex/JCB/Diners, 4 Visa, 6 Discover/UnionPay."""


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn checksum that card numbers carry.

    Parameters
    ----------
    digits
        ASCII digits only (separators already removed).

    Returns
    -------
    bool
        True when the checksum holds; False for an empty or non-digit string.

    """
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def card_number_valid(text: str) -> bool:
    """Whether ``text`` (digits with optional spaces or hyphens) is a plausible payment-card number.

    It must have 13-19 digits, start with a card scheme's digit (2-6), not be one
    digit repeated, and pass the Luhn checksum. That keeps order numbers, IDs and
    timestamps out: a random number passes Luhn one time in ten, and most
    long ordinary numbers start with 1, 9 or 0 or are too short.
    """
    digits = text.replace(" ", "").replace("-", "")
    if len(digits) not in CARD_LENGTHS or digits[0] not in CARD_FIRST_DIGITS:
        return False
    if len(set(digits)) == 1:
        return False
    return luhn_valid(digits)


IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
    "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
"""Length of the IBAN of each country in the SWIFT IBAN registry."""


def iban_valid(text: str) -> bool:
    """Whether ``text`` (optionally in groups separated by spaces or hyphens) is an IBAN.

    Its country must use IBANs, its length be that country's, and its ISO 7064
    mod-97 check (letters as 10-35) leave 1: a random string passes one time in 97.
    """
    code = text.replace(" ", "").replace("-", "").upper()
    if not code.isascii() or not code.isalnum() or IBAN_LENGTHS.get(code[:2]) != len(code):
        return False
    digits = "".join(str(int(char, 36)) for char in code[4:] + code[:4])
    return int(digits) % 97 == 1


def ipv4_valid(text: str) -> bool:
    """Whether ``text`` is a dotted-quad IPv4 address (``ipaddress`` rules, no leading zeros)."""
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def ipv6_valid(text: str) -> bool:
    """Whether ``text`` is an IPv6 address with at least three written groups.

    ``::1``, ``fe80::1`` or ``ab::cd`` are valid addresses but name no one's
    machine and look like code or emoticons, so they are not redacted; times
    such as ``12:30:45`` are not IPv6 addresses at all.
    """
    address = text.split("%", 1)[0]
    if address.count(":") < 2:
        return False
    groups = [group for group in address.split(":") if group]
    if len(groups) < 3:
        return False
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def _extractor() -> Any:
    """A ``tldextract`` extractor that only ever reads its bundled suffix list snapshot."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def host_of(text: str) -> str:
    """The host part of a URL or e-mail address: scheme, user, port, path and query removed."""
    host = text.split("://", 1)[1] if "://" in text else text
    for separator in "/?#":
        host = host.split(separator, 1)[0]
    host = host.rsplit("@", 1)[-1]
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


@lru_cache(maxsize=4096)
def registered_domain(host: str) -> bool:
    """Whether ``host`` ends in a known public suffix with a domain name before it (``example.co.uk``)."""
    host = host.strip(".").lower()
    if not host or len(host) > 253:
        return False
    parts = _extractor()(host)
    return bool(parts.suffix) and bool(parts.domain)


def email_valid(text: str) -> bool:
    """Whether ``text`` is an e-mail address whose domain has a known public suffix."""
    local, _, domain = text.rpartition("@")
    if not local or local.startswith(".") or local.endswith(".") or ".." in local:
        return False
    return registered_domain(domain)


def url_valid(text: str) -> bool:
    """Whether the host of the URL ``text`` is an IP address or has a known public suffix."""
    host = host_of(text)
    if host.startswith("[") and host.endswith("]"):
        return ipv6_valid(host[1:-1])
    return ipv4_valid(host) or registered_domain(host)
