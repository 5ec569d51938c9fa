"""Redaction settings and the validators that confirm matches."""

from __future__ import annotations

import pytest

from core.errors import ModLensError
from core.privacy import ENTITIES, PLACEHOLDERS, RedactionConfig
from core.privacy import validators as v


def test_defaults_redact_every_kind() -> None:
    config = RedactionConfig()
    assert config.active == ENTITIES
    assert PLACEHOLDERS == {
        "EMAIL": "<EMAIL>",
        "PHONE": "<PHONE>",
        "URL": "<URL>",
        "IP": "<IP>",
        "CARD": "<CARD>",
        "HANDLE": "<HANDLE>",
        "IBAN": "<IBAN>",
    }


def test_config_is_frozen_and_normalises_names() -> None:
    config = RedactionConfig(entities=frozenset({"email", "Url"}), phone_regions=("us",))
    assert config.active == ("EMAIL", "URL")
    assert config.phone_regions == ("US",)
    with pytest.raises(AttributeError):
        config.enabled = False  # type: ignore[misc]
    assert RedactionConfig(enabled=False).active == ()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"entities": frozenset({"NAME"})}, "Unknown redaction entities NAME"),
        ({"entities": "EMAIL"}, "not a string"),
        ({"phone_regions": ("USA",)}, "two-letter ISO codes"),
        ({"max_chars": 10}, "between 1,000 and"),
        ({"max_chars": 10**9}, "between 1,000 and"),
        ({"max_chars": 1.5e5}, "whole number"),
        ({"max_chars": True}, "whole number"),
    ],
)
def test_bad_settings_are_refused_with_an_actionable_message(kwargs: dict, message: str) -> None:
    with pytest.raises(ModLensError, match=message):
        RedactionConfig(**kwargs)


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("4111111111111111", True),
        ("378282246310005", True),
        ("5555555555554444", True),
        ("4111111111111112", False),
        ("79927398713", True),
        ("79927398710", False),
        ("", False),
        ("12a4", False),
        ("٤١١١١١١١١١١١١١١١", False),
    ],
)
def test_luhn(digits: str, valid: bool) -> None:
    assert v.luhn_valid(digits) is valid


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("4111 1111 1111 1111", True),
        ("4111-1111-1111-1111", True),
        ("79927398713", False),
        ("1234567812345670", False),
        ("0000000000000000", False),
        ("4444444444444448", True),
        ("44444444444444444444", False),
    ],
)
def test_card_numbers_need_length_scheme_digit_and_luhn(text: str, valid: bool) -> None:
    assert v.card_number_valid(text) is valid


def test_ip_validators() -> None:
    assert v.ipv4_valid("192.168.0.1") and not v.ipv4_valid("256.1.1.1") and not v.ipv4_valid("01.2.3.4")
    assert v.ipv6_valid("2001:db8::1") and v.ipv6_valid("fe80::1ff:fe23:4567:890a%eth0")
    assert not v.ipv6_valid("::1") and not v.ipv6_valid("12:30:45") and not v.ipv6_valid("ab::cd")


def test_domain_checks_use_the_public_suffix_list() -> None:
    assert v.registered_domain("example.co.uk") and v.registered_domain("x.ly")
    assert not v.registered_domain("localhost") and not v.registered_domain("foo.notatld")
    assert not v.registered_domain("a" * 300 + ".com")
    assert v.email_valid("a.b@example.org")
    assert not v.email_valid(".ab@example.org") and not v.email_valid("a..b@example.org")
    assert v.host_of("https://user@host.com:8080/p?q#f") == "host.com"
    assert v.host_of("http://[::1]:80/x") == "[::1]"
    assert v.url_valid("http://10.0.0.1/x") and not v.url_valid("foo.notatld/x")
