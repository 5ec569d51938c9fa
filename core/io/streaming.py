"""Score files of any length with flat memory: read, score and write them in chunks of rows.

The command line uses this for CSV, TSV and JSON Lines files; Parquet, Excel and
files that need repairs (NUL bytes) go through :func:`core.io.posts.read_posts` in one
piece. Validation is the same as for :func:`~core.io.posts.read_posts`: every problem
is a :class:`~core.errors.ModLensError` that says what to do.
"""

from __future__ import annotations

import codecs
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pandas as pd

from core.errors import ModLensError
from core.io.encoding import _reject_binary
from core.io.export import escape_formulas
from core.io.posts import (
    JSONL_SUFFIXES,
    Posts,
    _detect_kind,
    _explain_long_row,
    _explain_parser_error,
    _sniff_delimiter,
    _suffix,
    describe_columns,
    jsonl_error_message,
    read_posts,
    resolve_text_column,
)

CHUNK_ROWS = 50_000
_BLOCK = 4 << 20


def iter_posts(
    path: str | Path, *, text_col: str | None = None, chunk_rows: int = CHUNK_ROWS, choose_hint: str = "with --text-col"
) -> Iterator[Posts]:
    """Yield the posts of a file in chunks of at most ``chunk_rows`` rows, in order."""
    path = Path(path)
    if not path.is_file():
        yield read_posts(path, text_col=text_col, choose_hint=choose_hint)  # raises the right message
        return
    with open(path, "rb") as handle:
        head = handle.read(65_536)
    suffix = _suffix(path.name)
    if not head:
        raise ModLensError("The file is empty. Upload a file with a header row and one post per row.")
    kind = _detect_kind(head, suffix)
    encoding = _encoding(path, head) if kind in ("delimited", "jsonl") else None
    if encoding is None:
        yield read_posts(path, text_col=text_col, choose_hint=choose_hint)
        return
    if kind == "jsonl" or suffix in JSONL_SUFFIXES:
        frames = _jsonl_chunks(path, encoding, chunk_rows)
    else:
        sample = head.decode(encoding, errors="replace").lstrip("\ufeff")
        delimiter = "\t" if suffix == ".tsv" else _sniff_delimiter(sample)
        frames = _csv_chunks(path, encoding, delimiter, chunk_rows)
    column = None
    seen = 0
    for frame in frames:
        frame.columns = [str(c).strip() for c in frame.columns]
        if column is None:
            column = resolve_text_column(frame, text_col, choose_hint=choose_hint)
        frame.index = range(seen, seen + len(frame))
        seen += len(frame)
        yield Posts(frame=frame, text_col=column, source_name=path.name)
    if column is None or seen == 0:
        raise ModLensError(_no_rows_message(path, encoding))


def _encoding(path: Path, head: bytes) -> str | None:
    """Encoding for streaming, or None when the file must be read whole (NUL bytes, binary)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    _reject_binary(head)
    decoder = codecs.getincrementaldecoder("utf-8")()
    valid = True
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            if b"\x00" in block:
                return None
            if valid:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    valid = False
    return "utf-8" if valid else "cp1252"


def _csv_chunks(path: Path, encoding: str, delimiter: str, chunk_rows: int) -> Iterator[pd.DataFrame]:
    reader = pd.read_csv(
        path,
        sep=delimiter,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        index_col=False,
        chunksize=chunk_rows,
        encoding=encoding,
        encoding_errors="replace",
        engine="c",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            yield from reader
    except pd.errors.ParserWarning as exc:
        text = path.read_text(encoding=encoding, errors="replace")
        raise ModLensError(_explain_long_row(text, delimiter)) from exc
    except pd.errors.EmptyDataError as exc:
        raise ModLensError("The file is empty. Upload a file with a header row and one post per row.") from exc
    except pd.errors.ParserError as exc:
        raise ModLensError(_explain_parser_error(str(exc), delimiter)) from exc


def _jsonl_chunks(path: Path, encoding: str, chunk_rows: int) -> Iterator[pd.DataFrame]:
    try:
        with pd.read_json(path, lines=True, dtype=False, chunksize=chunk_rows, encoding=encoding) as reader:
            yield from reader
    except ValueError as exc:
        raise ModLensError(jsonl_error_message(exc)) from exc


def _no_rows_message(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="replace") as handle:
        header = handle.readline().strip()
    columns = [c.strip() for c in header.replace("\t", ",").replace(";", ",").split(",") if c.strip()]
    return f"The file has a header ({describe_columns(columns)}) but no rows. Add at least one post."


class ChunkWriter:
    """Append scored chunks to a CSV, JSON Lines or Parquet file as they come."""

    def __init__(self, path: Path, *, raw: bool = False, metadata: dict[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.suffix = self.path.suffix.lower() or ".csv"
        if self.suffix not in (".csv", ".parquet", ".jsonl"):
            raise ModLensError(f"Cannot write '{self.path.name}': use an output ending in .csv, .parquet, .jsonl.")
        if not self.path.parent.exists():
            raise ModLensError(f"Folder '{self.path.parent}' does not exist. Create it or choose another output path.")
        self.raw = raw
        self.metadata = metadata or {}
        self._handle: IO[str] | None = None
        self._parquet: Any = None
        self._schema: Any = None
        self.rows = 0

    def write(self, frame: pd.DataFrame) -> None:
        """Append one chunk (the first one also writes the header / schema)."""
        try:
            if self.suffix == ".parquet":
                self._write_parquet(frame)
            else:
                if self._handle is None:
                    self._handle = open(self.path, "w", encoding="utf-8", newline="")  # noqa: SIM115
                if self.suffix == ".jsonl":
                    frame.to_json(self._handle, orient="records", lines=True, force_ascii=False)
                else:
                    table = frame if self.raw else escape_formulas(frame)
                    table.to_csv(self._handle, index=False, header=self.rows == 0)
        except OSError as exc:
            raise ModLensError(f"Cannot write '{self.path}': {exc.strerror}. Choose another output path.") from exc
        self.rows += len(frame)

    def _write_parquet(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self._parquet is None:
            meta = {**(table.schema.metadata or {}), b"modlens": json.dumps(self.metadata).encode()}
            self._schema = table.schema.with_metadata(meta)
            self._parquet = pq.ParquetWriter(self.path, self._schema)
        try:
            table = table.cast(self._schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError) as exc:
            raise ModLensError(
                "A column changes type part-way through the file, so it cannot be written as Parquet. "
                "Write CSV (-o out.csv) instead."
            ) from exc
        self._parquet.write_table(table)

    def close(self) -> None:
        """Finish the file."""
        if self._handle is not None:
            self._handle.close()
        if self._parquet is not None:
            self._parquet.close()

    def __enter__(self) -> ChunkWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
