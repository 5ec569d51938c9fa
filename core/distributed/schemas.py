"""One Parquet schema for all the parts of one input file.

Each block of a cluster run is typed on its own, so a column can be null in one part
(empty in those rows) and text in another, or whole numbers in one part and fractions
in another; a reader of all the parts (``pd.read_parquet(parts)``) then fails. Once every
part is written (and before the commit), :func:`unify_parts` gives the parts of each file
one schema: a column's type is the one its parts share, with null parts taking the
others' type, whole numbers widened to fractions, and numbers or booleans mixed with
text written as text (as the local engine writes a text column). Only parts whose
schema differs are rewritten, atomically.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from core.errors import InputError, ModLensError

_TEXT_LIKE = ("is_string", "is_large_string", "is_integer", "is_floating", "is_boolean", "is_decimal")


def unify_parts(staging: Path, files: list[tuple[str, tuple[str, ...]]]) -> None:
    """Rewrite parts in ``staging`` so that the parts of each input file share one schema.

    Parameters
    ----------
    staging
        The run's staging folder.
    files
        ``(input path, part names)`` per input file.

    Raises
    ------
    InputError
        When a column's types in different parts cannot be made one (named with its file).

    """
    import pyarrow.parquet as pq

    for source, names in files:
        paths = [staging / name for name in names]
        schemas = [pq.read_schema(path) for path in paths]
        if len(schemas) < 2 or all(schema.equals(schemas[0]) for schema in schemas[1:]):
            continue
        if any(schema.names != schemas[0].names for schema in schemas[1:]):
            continue  # cannot happen (every block has the file's columns); left as written
        target = file_schema(schemas, Path(source).name)
        for path, schema in zip(paths, schemas, strict=True):
            if not schema.equals(target):
                _rewrite(path, target, Path(source).name)


def file_schema(schemas: list[Any], file_name: str) -> Any:
    """The schema all ``schemas`` (of one file's parts, same columns) can take, without metadata.

    Raises
    ------
    InputError
        When a column holds types that neither widen to one nor read as text (dates and numbers, say).

    """
    import pyarrow as pa

    fields = []
    for position, name in enumerate(schemas[0].names):
        types = list(dict.fromkeys(schema.field(position).type for schema in schemas))
        known = [kind for kind in types if not pa.types.is_null(kind)] or [pa.null()]
        try:
            merged = pa.unify_schemas([pa.schema([(name, kind)]) for kind in known], promote_options="permissive")
            kind = merged.field(0).type
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            if not all(any(getattr(pa.types, test)(kind) for test in _TEXT_LIKE) for kind in known):
                raise InputError(_mixed(file_name, name, known)) from None
            kind = pa.large_string()  # numbers or booleans in some rows, text in others: text, as locally
        fields.append(pa.field(name, kind))
    return pa.schema(fields)


def _rewrite(path: Path, target: Any, file_name: str) -> None:
    """Cast the part at ``path`` to ``target`` (keeping its ModLens metadata) and replace it atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    columns = []
    for position, field in enumerate(target):
        column = table.column(position)
        try:
            columns.append(column if column.type == field.type else column.cast(field.type))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            raise InputError(_mixed(file_name, field.name, [column.type, field.type])) from None
    # pandas' notes on the old types would be wrong now: only ModLens's own metadata is kept
    metadata = {key: value for key, value in (table.schema.metadata or {}).items() if key == b"modlens"}
    fixed = pa.Table.from_arrays(columns, schema=target.with_metadata(metadata))
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        pq.write_table(fixed, temporary)
        os.replace(temporary, path)
    except OSError as exc:  # a full disk, a vanished folder: the user's to fix, in one line
        reason = exc.strerror or type(exc).__name__
        raise ModLensError(
            f"Cannot write the output folder '{path.parent.parent}' ({reason}). Free some space, or choose a "
            "writable folder."
        ) from None
    finally:
        temporary.unlink(missing_ok=True)


def _mixed(file_name: str, column: str, kinds: list[Any]) -> str:
    return (
        f"{file_name}: column '{column}' holds {' and '.join(str(kind) for kind in kinds)} values in different rows, "
        "so its Parquet parts cannot share one type. Make the column one type, or score the file with the local "
        "engine and -o out.csv."
    )
