"""Score files of any length with flat memory: read, score and write them in chunks of rows.

The command line uses this for CSV, TSV and JSON Lines files (NUL bytes are removed
as they stream, see :mod:`core.io.textstream`); Parquet and Excel go through
:func:`core.io.posts.read_posts` in one piece. Validation is the same as for
:func:`~core.io.posts.read_posts`: every problem is a :class:`~core.errors.ModLensError`
that says what to do. Only regular files are read; lines, rows spanning lines, header,
columns and cells are bounded by :mod:`core.io.limits` (row count and total size are
not: memory stays flat per chunk however long the file is).
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

import pandas as pd

from core.errors import InputError, OutputError
from core.io.atomic import AtomicFile
from core.io.delimited import (
    EMPTY_MESSAGE,
    block_rows,
    check_cells,
    check_header,
    check_line_lengths,
    csv_blocks,
)
from core.io.encoding import CP1252_NOTE, bom_encoding, reject_binary
from core.io.export import JSONL_OPTIONS, arrow_table, cell_as_text, escape_formulas
from core.io.jsonl import jsonl_chunks
from core.io.limits import DEFAULT_LIMITS, ReadLimits
from core.io.posts import (
    JSONL_SUFFIXES,
    Posts,
    describe_columns,
    detect_kind,
    file_suffix,
    read_posts,
    resolve_text_column,
)
from core.io.source import open_regular
from core.io.targets import check_output_file
from core.io.textstream import StreamText, nul_note

CHUNK_ROWS = 50_000
_BLOCK = 4 << 20


def iter_posts(
    path: str | Path,
    *,
    text_col: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
    choose_hint: str = "with --text-col",
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Iterator[Posts]:
    """Yield the posts of a file in chunks of at most ``chunk_rows`` rows, in order.

    CSV, TSV and JSON Lines stream; Parquet, Excel and a JSON file holding one array
    of records are read whole by :func:`~core.io.posts.read_posts`, with its limits.

    The first chunk carries the reader's notes (an encoding fallback, removed NUL
    bytes, ...); a later chunk carries the notes about its own rows. Every chunk has
    the columns of the first, in its order (see :func:`~core.io.jsonl.jsonl_chunks`).
    """
    path = Path(path)
    with open_regular(path) as handle:
        head = handle.read(max(65_536, limits.max_header_kb * 1024 + 1))
        suffix = file_suffix(path.name)
        if not head:
            raise InputError(EMPTY_MESSAGE)
        kind = detect_kind(head, suffix)
        if kind not in ("delimited", "jsonl") or (kind == "jsonl" and _is_json_array(head)):
            handle.close()
            yield read_posts(path, text_col=text_col, choose_hint=choose_hint, limits=limits)
            return
        handle.seek(0)
        encoding, nuls = _scan(handle, head, limits)
        handle.seek(0)
        notes = ((CP1252_NOTE,) if encoding == "cp1252" else ()) + ((nul_note(nuls),) if nuls else ())
        yield from _chunks(handle, path, kind, suffix, encoding, head, chunk_rows, limits, text_col, choose_hint, notes)


def _is_json_array(head: bytes) -> bool:
    """Whether a JSON file is one array of records (read whole, as the dashboard reads it), not JSON Lines."""
    return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"[")


def _chunks(
    handle: BinaryIO,
    path: Path,
    kind: str,
    suffix: str,
    encoding: str,
    head: bytes,
    chunk_rows: int,
    limits: ReadLimits,
    text_col: str | None,
    choose_hint: str,
    notes: tuple[str, ...],
) -> Iterator[Posts]:
    decoded = io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")
    frames: Iterator[tuple[pd.DataFrame, tuple[str, ...]]]
    if kind == "jsonl" or suffix in JSONL_SUFFIXES:
        frames = jsonl_chunks(StreamText(decoded, limits), chunk_rows, limits)
    else:
        sample = head.decode(encoding, errors="replace").lstrip("\ufeff").replace("\x00", "")
        if not sample.strip():
            raise InputError(EMPTY_MESSAGE)
        delimiter = check_header(sample, limits, tab=suffix == ".tsv")
        text = StreamText(decoded, limits, delimiter)
        rows = block_rows(sample, delimiter, chunk_rows)  # a chunk of a wide file: fewer rows
        frames = ((frame, ()) for frame in csv_blocks(text, delimiter, rows))
    column = None
    seen = 0
    for frame, chunk_notes in frames:
        frame.columns = [str(c).strip() for c in frame.columns]
        if column is None:
            limits.check_columns(len(frame.columns))
            _check_unique_columns(frame.columns)
            column = resolve_text_column(frame, text_col, choose_hint=choose_hint)
        check_cells(frame, limits)
        if not len(frame):  # a header without rows: refused below, before the caller loads a model for it
            notes += chunk_notes
            continue
        frame.index = range(seen, seen + len(frame))
        seen += len(frame)
        yield Posts(frame=frame, text_col=column, source_name=path.name, notes=notes + chunk_notes)
        notes = ()
    if column is None or seen == 0:
        raise InputError(_no_rows_message(head.decode(encoding, errors="replace").replace("\x00", "")))


def _check_unique_columns(columns: Iterable[object]) -> None:
    """Raise when two column names are equal (after stripping spaces, as the readers do)."""
    index = pd.Index(columns)
    duplicated = list(index[index.duplicated()])
    if duplicated:
        raise InputError(
            f"Column names must be unique; repeated: {', '.join(map(repr, duplicated[:5]))}. "
            "Rename the repeated columns."
        )


def _scan(handle: BinaryIO, head: bytes, limits: ReadLimits) -> tuple[str, int]:
    """The encoding to stream the file with, and how many NUL characters it holds (removed while streaming).

    Reads the file once in blocks: checks line lengths, counts NULs and checks UTF-8 validity.
    """
    blocks = iter(lambda: handle.read(_BLOCK), b"")
    bom = bom_encoding(head)
    if bom is None:
        reject_binary(head[:65_536])
    wide = bom in ("utf-16", "utf-32")  # a NUL byte there is half a character: count decoded NULs
    decoder = codecs.getincrementaldecoder(bom if wide else "utf-8")(errors="replace" if wide else "strict")
    state = {"valid": bom is None, "nuls": 0}

    def watched() -> Iterator[bytes]:
        for block in blocks:
            if wide:
                state["nuls"] += decoder.decode(block).count("\x00")
            else:
                state["nuls"] += block.count(b"\x00")
            if state["valid"]:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    state["valid"] = False
            yield block
        if state["valid"]:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                state["valid"] = False

    check_line_lengths(watched(), limits)
    if bom is not None:
        return bom, state["nuls"]
    return ("utf-8" if state["valid"] else "cp1252"), state["nuls"]


def _no_rows_message(head: str) -> str:
    header = head.lstrip("\ufeff").split("\n", 1)[0].strip()
    columns = [c.strip() for c in header.replace("\t", ",").replace(";", ",").split(",") if c.strip()]
    return f"The file has a header ({describe_columns(columns)}) but no rows. Add at least one post."


class ChunkWriter:
    """Append scored chunks to a CSV, JSON Lines or Parquet file as they come.

    The chunks go to a temporary file beside ``path`` that is renamed into place when
    the writer closes without error (see :mod:`core.io.atomic`): an error part-way, or
    a killed process, leaves no output at ``path`` (and a previous file there intact).
    """

    def __init__(
        self,
        path: Path,
        *,
        raw: bool = False,
        metadata: dict[str, Any] | None = None,
        inputs: tuple[str | Path, ...] = (),
    ) -> None:
        self.path = check_output_file(path, inputs=inputs)
        self.suffix = self.path.suffix.lower() or ".csv"
        self.raw = raw
        self.metadata = metadata or {}
        self._part: AtomicFile | None = None
        self._handle: IO[str] | None = None
        self._parquet: Any = None
        self._schema: Any = None
        self._columns: list[object] | None = None
        self.rows = 0

    def write(self, frame: pd.DataFrame) -> None:
        """Append one chunk (the first one also writes the header / schema); every chunk has the first's columns."""
        if self._columns is None:
            self._columns = list(frame.columns)
        elif list(frame.columns) != self._columns:
            raise ValueError(f"chunk columns {list(frame.columns)} differ from the first chunk's {self._columns}")
        try:
            if self._part is None:
                self._part = AtomicFile(self.path)
            if self.suffix == ".parquet":
                self._write_parquet(frame)
            else:
                if self._handle is None:
                    self._handle = open(self._part.path, "w", encoding="utf-8", newline="")  # noqa: SIM115
                if self.suffix == ".jsonl":
                    frame.to_json(self._handle, **JSONL_OPTIONS)
                else:
                    table = frame if self.raw else escape_formulas(frame)
                    table.to_csv(self._handle, index=False, header=self.rows == 0)
        except OSError as exc:
            self.abort()
            raise _write_error(self.path, exc) from exc
        self.rows += len(frame)

    def _write_parquet(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = arrow_table(frame)
        if self._parquet is None:
            assert self._part is not None
            meta = {**(table.schema.metadata or {}), b"modlens": json.dumps(self.metadata).encode()}
            # a column empty in the whole first chunk (a JSON Lines key that is null at first) has no type yet:
            # text, which takes whatever later chunks hold
            fields = [pa.field(f.name, pa.large_string()) if pa.types.is_null(f.type) else f for f in table.schema]
            self._schema = pa.schema(fields, metadata=meta)
            self._parquet = pq.ParquetWriter(self._part.path, self._schema)
        self._parquet.write_table(_conform(table, frame, self._schema, self.rows))

    def _close_handles(self) -> None:
        handle, parquet = self._handle, self._parquet
        self._handle = self._parquet = None
        if handle is not None:
            handle.close()
        if parquet is not None:
            parquet.close()

    def close(self) -> None:
        """Finish the file and move it into place."""
        try:
            self._close_handles()  # the last buffered rows are written here: the disk may be full now
            if self._part is not None:
                self._part.commit()
        except OSError as exc:
            self.abort()
            raise _write_error(self.path, exc) from exc
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Give up: remove the temporary file; nothing appears at ``path``."""
        try:
            self._close_handles()
        except Exception:  # the file is discarded anyway
            pass
        finally:
            if self._part is not None:
                self._part.discard()

    def __enter__(self) -> ChunkWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def _write_error(path: Path, exc: OSError) -> OutputError:
    """The one-line error for an output that could not be written (a full disk, a lost permission)."""
    reason = exc.strerror or " ".join(str(exc).split()) or type(exc).__name__
    return OutputError(f"Cannot write '{path}': {reason}. Choose another output path.")


def _conform(table: Any, frame: pd.DataFrame, schema: Any, first_row: int) -> Any:
    """``table`` cast to the ``schema`` of the file's first chunk.

    A text column gets later values of another type as text (``7``, ``true``, JSON for
    objects). A column of another type whose later values do not fit it (numbers first,
    text later) cannot be written as Parquet: an :class:`~core.errors.InputError` names it.
    """
    import pyarrow as pa

    columns = []
    for position, field in enumerate(schema):
        column = table.column(position)
        if column.type == field.type:
            columns.append(column)
            continue
        try:
            columns.append(column.cast(field.type))
            continue
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, ValueError):
            if not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)):
                raise InputError(
                    f"Column '{field.name}' holds {field.type} values in the first rows but {column.type} values "
                    f"in rows {first_row + 1:,} to {first_row + len(frame):,}, so it cannot be written as Parquet. "
                    "Write CSV (-o out.csv) or JSON Lines (-o out.jsonl) instead."
                ) from None
        texts = frame.iloc[:, position].map(cell_as_text)
        columns.append(pa.array(texts.astype(object), type=field.type, from_pandas=True))
    return pa.Table.from_arrays(columns, schema=schema)
