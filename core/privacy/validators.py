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
