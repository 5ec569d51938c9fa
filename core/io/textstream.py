"""The decoded text of a streamed CSV/TSV or JSON Lines file, as its parser sees it.

:class:`StreamText` wraps a text handle. It drops NUL characters, as
:func:`~core.io.encoding.decode_text` does for a file read whole, and for CSV/TSV it
follows the quotes (:class:`RowBound`), so that a row spanning lines (a quoted field
with line breaks, or a quote never closed) is refused once it is longer than
``max_line_mb``, counted in characters, before the parser has built it: the line
check sees only physical lines, and pandas builds a whole field before the cell
check can refuse it.
"""

from __future__ import annotations

import io
import re
from typing import IO

from core.errors import LimitExceeded
from core.io.limits import MB, ReadLimits

__all__ = ["RowBound", "StreamText", "nul_note"]

_QUOTED_REST = re.compile(r'[^"]*+(?:""[^"]*+)*+"')
"""The rest of a quoted field up to its closing quote (``""`` is a quote inside it)."""


def nul_note(count: int) -> str:
    """The note for ``count`` NUL characters removed from a file (the whole-file reader's words)."""
    return f"Removed {count} NUL byte(s) from the file."


class RowBound:
    """Follow CSV quoting block by block and refuse a row longer than ``max_line_mb`` characters.

    The rules are those of pandas' parser with its defaults: a ``"`` opens a quoted field
    only at the start of a field (after the delimiter or a line break), ``""`` inside it
    is a quote, and the next single ``"`` closes it. Work is done per quote, not per
    character, so unquoted text costs one ``str.find`` per block.
    """

    def __init__(self, delimiter: str, limits: ReadLimits) -> None:
        self.field_starts = (delimiter, "\n", "\r")
        self.max_line_mb = limits.max_line_mb
        self.limit = limits.max_line_mb * MB
        self.reset()

    def reset(self) -> None:
        """Start again at the beginning of the text."""
        self.prev = "\n"  # the character before the current block: the text starts a row
        self.quoted = False  # inside a quoted field
        self.pending = False  # the last block ended on a quote inside a quoted field
        self.offset = 0  # characters before the current block
        self.lines = 0  # line breaks before the current block
        self.row_start = 0  # offset where the current row starts
        self.row_line = 1  # its line number

    def feed(self, block: str) -> None:
        """Follow the quotes of the next ``block`` of text; raise when the current row grows too long."""
        if not block:
            return
        i, low = 0, 0  # where to look next; where the current stretch outside quotes began
        counted, breaks = 0, 0  # line breaks in block[:counted]
        if self.pending:
            self.pending = False
            self.quoted = block[0] == '"'  # a doubled quote keeps the field open
            i = low = int(self.quoted)
        while True:
            if self.quoted:
                field = _QUOTED_REST.match(block, i)
                if field is None:  # the field goes on past this block
                    break
                i = low = field.end()
                if i == len(block):  # a quote at the end of the block: closing, or the first of ""
                    self.pending = True
                    break
                self.quoted = False
                if self.offset + i - 1 - self.row_start > self.limit:
                    self._refuse()  # measured to the closing quote
                continue
            quote = block.find('"', i)
            if quote < 0:
                break
            i = quote + 1
            if (block[quote - 1] if quote else self.prev) in self.field_starts:
                self.quoted = True
                newline = block.rfind("\n", low, quote)
                if newline >= 0:
                    breaks += block.count("\n", counted, newline)
                    counted = newline
                    self.row_start, self.row_line = self.offset + newline + 1, self.lines + breaks + 2
        if not self.quoted and not self.pending:
            newline = block.rfind("\n", low)
            if newline >= 0:
                self.row_start = self.offset + newline + 1
                self.row_line = self.lines + block.count("\n", 0, newline) + 2
        self.offset += len(block)
        self.lines += block.count("\n")
        self.prev = block[-1]
        if self.quoted and self.offset - int(self.pending) - self.row_start > self.limit:
            self._refuse()  # to the closing quote (the last character), or to here while the field is open

    def _refuse(self) -> None:
        raise LimitExceeded(
            f"The row starting on line {self.row_line:,} is longer than {self.max_line_mb} MB: a quoted field "
            'there runs over many lines. Close its quote (write "" for a quote inside a field), or split '
            "that post."
        )


class StreamText(io.TextIOBase):
    """A read-only text handle over ``inner`` without NUL characters; CSV rows bounded when ``delimiter`` is given."""

    def __init__(self, inner: IO[str], limits: ReadLimits, delimiter: str | None = None) -> None:
        self._inner = inner
        self._rows = None if delimiter is None else RowBound(delimiter, limits)

    def readable(self) -> bool:
        """Always True."""
        return True

    def seekable(self) -> bool:
        """Whether ``inner`` can go back to the start."""
        return self._inner.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Go back to the start of the text (the only position supported)."""
        if offset != 0 or whence != io.SEEK_SET:
            raise io.UnsupportedOperation("StreamText can only seek to the start")
        if self._rows is not None:
            self._rows.reset()
        return self._inner.seek(0)

    def read(self, size: int | None = -1) -> str:
        """Up to ``size`` characters ("" only at the end of the text)."""
        while True:
            text = self._inner.read(size)
            if not text:
                return ""
            text = self._watch(text)
            if text:
                return text

    def readline(self, size: int | None = -1) -> str:
        """The next line ("" only at the end of the text)."""
        while True:
            line = self._inner.readline(size)
            if not line:
                return ""
            line = self._watch(line)
            if line:
                return line

    def _watch(self, text: str) -> str:
        if "\x00" in text:
            text = text.replace("\x00", "")
        if self._rows is not None:
            self._rows.feed(text)
        return text
