"""IBANs are redacted; look-alike codes and numbers with a wrong check are left alone."""

from __future__ import annotations

import pytest

from core.privacy import redact_text
from core.privacy.validators import iban_valid


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        "de89370400440532013000",
        "GB82 WEST 1234 5698 7654 32",
        "GB82-WEST-1234-5698-7654-32",
        "FR76 3000 6000 0112 3456 7890 189",
        "NL91ABNA0417164300",
        "BE71 0961 2345 6769",
        "ＤＥ８９ ３７０４ ００４４ ０５３２ ０１３０ ００",
    ],
)
def test_iban_is_redacted(iban: str) -> None:
    redacted = redact_text(f"pay to {iban}, thanks")
    assert redacted.text == "pay to <IBAN>, thanks"
    assert [span.entity for span in redacted.spans] == ["IBAN"]


@pytest.mark.parametrize(
    "text",
    [
        "DE89 3704 0044 0532 0130 01 has a wrong check",
        "Room AB12 CDEF GHIJ KLMN OPQR ST is here",
        "the MP40 with ammo rounds here and more",
        "XX89370400440532013000 is no country",
        "DE8937040044053201300 is one digit short",
    ],
)
def test_look_alike_codes_are_left_alone(text: str) -> None:
    assert redact_text(text).text == text


def test_iban_check_digits_and_length_are_validated() -> None:
    assert iban_valid("GB82WEST12345698765432")
    assert not iban_valid("GB82WEST12345698765433")
    assert not iban_valid("GB82WEST1234569876543")
    assert not iban_valid("GB82WEST1234569876543²")
