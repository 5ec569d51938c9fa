"""Decode the bytes of an uploaded text file: UTF-8 (with or without BOM), UTF-16 or UTF-32 with BOM, cp1252."""

from __future__ import annotations

import codecs
import re

from core.errors import ModLensError

_SAMPLE = 65_536
_MAX_CONTROL_SHARE = 0.10
_MIN_CONTROL_BYTES = 8
CP1252_NOTE = (
    "The file is not UTF-8; it was read as Windows-1252. If characters look wrong, save it as UTF-8 and upload again."
)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
"""Half of a surrogate pair: JSON's ``\\ud83d`` (JavaScript cuts strings in UTF-16 units), or a byte
of a command-line argument that is not UTF-8. No encoder, Arrow nor TensorFlow takes one."""


def without_lone_surrogates(text: str) -> str:
    """``text`` with each lone surrogate made U+FFFD (every other character kept; ASCII returned as is)."""
    return text if text.isascii() else _LONE_SURROGATE.sub("\ufffd", text)


def decode_text(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Decode file bytes to text, detecting the encoding; never fails on a text file.

    Returns the text and notes for the user (encoding fallback, removed NUL bytes).
    Raises :class:`ModLensError` for data that is clearly binary.
    """
    notes: list[str] = []
    bom = bom_encoding(data)
    if bom is not None:
        text = data.decode(bom, errors="replace").removeprefix("\ufeff")
    else:
        reject_binary(data[:_SAMPLE])
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            notes.append(CP1252_NOTE)
    if "\x00" in text:
        count = text.count("\x00")
        text = text.replace("\x00", "")
        notes.append(f"Removed {count} NUL byte(s) from the file.")
    return text, tuple(notes)


def bom_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark names (UTF-32 checked before UTF-16, whose mark it starts with)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def reject_binary(sample: bytes) -> None:
    """Raise when a byte sample is mostly NULs or control bytes (an image, a program...)."""
    if not sample:
        return
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    if control > max(_MIN_CONTROL_BYTES, _MAX_CONTROL_SHARE * len(sample)):
        raise ModLensError("The file looks binary, not text. Upload CSV, TSV, JSON Lines, Parquet or Excel (.xlsx).")
