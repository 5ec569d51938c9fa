"""Text as both databases can hold it."""

from __future__ import annotations


def storable(text: str) -> str:
    """``text`` as a database can hold it: NUL characters and lone surrogates become U+FFFD.

    PostgreSQL refuses NUL in text and neither driver can encode a lone surrogate (possible
    in JSON input or an undecodable file name); every other character is kept exactly as written.
    """
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)
    return text
