"""Every reader is bounded: hostile files are refused quickly, with little memory and a clear message."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import tomllib
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from core.errors import InputError, LimitExceeded
from core.io.limits import DEFAULT_LIMITS, ReadLimits
from core.io.posts import read_posts
from core.io.streaming import iter_posts

ROOT = Path(__file__).resolve().parents[3]
SHEET = "xl/worksheets/sheet1.xml"
HEAD = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def test_the_file_limit_is_the_dashboard_upload_limit() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == DEFAULT_LIMITS.max_file_mb
    assert f"{DEFAULT_LIMITS.max_file_mb} MB" in (ROOT / "README.md").read_text()


# -- hostile files, each read in a child process with a memory ceiling -------------------------
def _xlsx(path: Path, *blocks: bytes, repeat: tuple[bytes, int] = (b"", 0)) -> Path:
    """A workbook whose first sheet is ``blocks`` with ``repeat[0]`` written ``repeat[1]`` times before the end."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["text"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as base, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name in base.namelist():
            if name != SHEET:
                out.writestr(name, base.read(name))
        with out.open(SHEET, "w", force_zip64=True) as sheet:
            for block in blocks[:-1]:
                sheet.write(block)
            for _ in range(repeat[1]):
                sheet.write(repeat[0])
            sheet.write(blocks[-1])
    return path


def huge_dimension(folder: Path) -> Path:
    return _xlsx(
        folder / "dimension.xlsx",
        HEAD + b'<dimension ref="A1:XFD1048576"/><sheetData>',
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>text</t></is></c></row>'
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>',
    )


def zip_bomb(folder: Path) -> Path:
    row = b'<row><c t="inlineStr"><is><t>you are lovely</t></is></c></row>' * 1_000
    return _xlsx(
        folder / "bomb.xlsx",
        HEAD + b'<sheetData><row><c t="inlineStr"><is><t>text</t></is></c></row>',
        b"</sheetData></worksheet>",
        repeat=(row, 1_000),
    )


def wide_sheet(folder: Path) -> Path:
    cells = b"".join(b'<c t="inlineStr"><is><t>c%d</t></is></c>' % i for i in range(5_000))
    return _xlsx(folder / "wide.xlsx", HEAD + b"<sheetData><row>" + cells + b"</row>", b"</sheetData></worksheet>")


def _shared_xlsx(path: Path, post: str, rows: int) -> Path:
    """A workbook whose sheet is the header ``text`` then ``rows`` cells that all use one shared string, ``post``."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rels = "http://schemas.openxmlformats.org/package/2006/relationships"
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{rels}"><Relationship Id="rId1" '
        f'Type="{kind}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{kind}"><sheets>'
        '<sheet name="posts" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{rels}">'
        f'<Relationship Id="rId1" Type="{kind}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{kind}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/sharedStrings.xml": f'<sst xmlns="{main}"><si><t>text</t></si><si><t>{post}</t></si></sst>',
        SHEET: f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        + "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>1</v></c></row>' for i in range(2, rows + 2))
        + "</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, text in parts.items():
            out.writestr(name, text)
    return path


def shared_strings(folder: Path) -> Path:
    """20,000 cells using one shared string of a million characters: 20 GB of text from a 1 MB file."""
    import random

    post = "".join(random.Random(0).choices("abcdefghij klmnopqrst uvwxyz", k=1_000_000))
    return _shared_xlsx(folder / "shared.xlsx", post, 20_000)


def tiny_lines(folder: Path) -> Path:
    """12 million ``{}`` lines (36 MB): a list of every line would be 12 million strings."""
    path = folder / "tiny.jsonl"
    path.write_text("{}\n" * 12_000_000)
    return path


def tiny_items(folder: Path) -> Path:
    """A JSON array of 12 million ``{}``: decoded at once, 12 million dicts before a row is counted."""
    path = folder / "tiny.json"
    path.write_text("[" + "{}," * 12_000_000 + "{}]")
    return path


def wide_header(folder: Path) -> Path:
    path = folder / "header.csv"
    path.write_text("text," + ",".join(f"c{i}" for i in range(1_000_000)) + "\nhello" + "," * 1_000_000 + "\n")
    return path


def single_line(folder: Path) -> Path:
    path = folder / "line.csv"
    with open(path, "w") as handle:
        handle.write("text,")
        for _ in range(40):
            handle.write("a" * (1 << 20))
    return path


def fifo(folder: Path) -> Path:
    path = folder / "pipe.csv"
    os.mkfifo(path)
    return path


def dev_zero(folder: Path) -> Path:
    return Path("/dev/zero")


CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    started = time.perf_counter()
    try:
        if sys.argv[1] == "stream":
            from core.io.streaming import iter_posts
            sum(len(chunk) for chunk in iter_posts(sys.argv[2]))
        else:
            from core.io.posts import read_posts
            read_posts(sys.argv[2])
        kind, message = "read", ""
    except BaseException as exc:
        kind, message = type(exc).__name__, str(exc)
    # VmHWM: this program's own peak (ru_maxrss would include the forking parent's memory)
    status = open("/proc/self/status").read()
    peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
    print(json.dumps({"kind": kind, "message": message, "mb": peak, "s": time.perf_counter() - started}))
    """
)


@pytest.mark.parametrize(
    ("build", "readers", "message"),
    [
        (huge_dimension, ("read",), "claims 1,048,576 rows and 16,384 columns"),
        (zip_bomb, ("read",), "compressed"),
        (wide_sheet, ("read",), "5,000 columns; the limit is 4,096"),
        (shared_strings, ("read",), "text adds up to more than 500 MB"),
        (tiny_lines, ("read",), "more than 2,000,000 rows"),
        (tiny_items, ("read",), "more than 2,000,000 rows"),
        (wide_header, ("read", "stream"), "columns; the limit is 4,096"),
        (single_line, ("read", "stream"), "header line is longer than"),
        (fifo, ("read", "stream"), "not a regular file"),
        (dev_zero, ("read", "stream"), "not a regular file"),
    ],
)
def test_hostile_files_are_refused_quickly_with_little_memory(
    tmp_path: Path, build, readers: tuple[str, ...], message: str
) -> None:
    path = build(tmp_path)
    for reader in readers:
        try:
            done = subprocess.run(
                [sys.executable, "-c", CHILD, reader, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"{reader} of {path.name} hung")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        assert result["kind"] in {"LimitExceeded", "InputError"}, (reader, result)
        assert message in result["message"], (reader, result)
        assert result["mb"] < 600, (reader, result)
        assert result["s"] < 20, (reader, result)


# -- each bound, with small limits ---------------------------------------------------------------
def _csv_bytes(rows: int, columns: int = 2) -> bytes:
    header = ",".join(["text", *(f"c{i}" for i in range(columns - 1))])
    return (header + "\n" + "\n".join(",".join(["post"] * columns) for _ in range(rows)) + "\n").encode()


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    limits = ReadLimits(max_file_mb=1)
    with pytest.raises(LimitExceeded, match="the limit is 1 MB"):
        read_posts(b"text\n" + b"a\n" * (1 << 20), filename="big.csv", limits=limits)
    path = tmp_path / "big.csv"
    with open(path, "wb") as handle:
        handle.truncate(3 << 20)  # sparse: stat says 3 MB, nothing to read
    with pytest.raises(LimitExceeded, match="is 3 MB"):
        read_posts(path, limits=limits)


@pytest.mark.parametrize("kind", ["csv", "jsonl", "xlsx", "parquet"])
def test_rows_and_cells_are_bounded_in_every_format(kind: str) -> None:
    frame = pd.DataFrame({"text": [f"post {i}" for i in range(50)], "id": range(50)})
    buffer = io.BytesIO()
    if kind == "csv":
        frame.to_csv(buffer, index=False)
    elif kind == "jsonl":
        frame.to_json(buffer, orient="records", lines=True)
    elif kind == "xlsx":
        frame.to_excel(buffer, index=False)
    else:
        frame.to_parquet(buffer)
    data = buffer.getvalue()
    assert len(read_posts(data, filename=f"p.{kind}", limits=ReadLimits(max_rows=50))) == 50
    with pytest.raises(LimitExceeded, match="49 rows"):  # an xlsx is refused from its dimension claim
        read_posts(data, filename=f"p.{kind}", limits=ReadLimits(max_rows=49))
    with pytest.raises(LimitExceeded, match="60 cells"):
        read_posts(data, filename=f"p.{kind}", limits=ReadLimits(max_cells=60))
    with pytest.raises(LimitExceeded, match="2 columns"):
        read_posts(data, filename=f"p.{kind}", limits=ReadLimits(max_columns=1))


def test_a_long_cell_is_bounded_but_a_10_mb_post_is_read() -> None:
    post = "x" * 10_000_000
    data = f"id,text\n1,{post}\n".encode()
    assert read_posts(data, filename="p.csv").texts == [post]
    with pytest.raises(LimitExceeded, match="A cell holds 10,000,000 characters"):
        read_posts(data, filename="p.csv", limits=ReadLimits(max_cell_chars=1_000_000))


def test_streaming_bounds_lines_and_cells(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(_csv_bytes(10) + b"post," + b"y" * (3 << 20) + b"\n")
    with pytest.raises(LimitExceeded, match="line longer than 2 MB"):
        list(iter_posts(path, limits=ReadLimits(max_line_mb=2)))
    with pytest.raises(LimitExceeded, match="A cell holds"):
        list(iter_posts(path, limits=ReadLimits(max_cell_chars=1_000_000)))


def test_reading_stops_after_the_time_limit() -> None:
    with pytest.raises(LimitExceeded, match="took longer than 0 s"):
        read_posts(_csv_bytes(200_000), filename="p.csv", limits=ReadLimits(max_seconds=0))


def test_a_folder_is_refused_without_reading(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        read_posts(tmp_path)
    with pytest.raises(InputError, match="is a folder"):
        list(iter_posts(tmp_path))


def test_an_xlsx_without_a_size_claim_is_bounded_as_it_is_read(tmp_path: Path) -> None:
    row = b'<row><c t="inlineStr"><is><t>post</t></is></c></row>'
    path = _xlsx(
        tmp_path / "rows.xlsx",
        HEAD + b'<sheetData><row><c t="inlineStr"><is><t>text</t></is></c></row>',
        b"</sheetData></worksheet>",
        repeat=(row, 100),
    )
    assert len(read_posts(path)) == 100
    with pytest.raises(LimitExceeded, match="more than 50 rows"):
        read_posts(path, limits=ReadLimits(max_rows=50))


def test_an_xlsx_string_used_in_many_cells_counts_in_each(tmp_path: Path) -> None:
    path = _shared_xlsx(tmp_path / "shared.xlsx", "x" * 100_000, 20)  # one shared string, 20 cells
    assert path.stat().st_size < 10_000
    assert read_posts(path).texts == ["x" * 100_000] * 20
    with pytest.raises(LimitExceeded, match="text adds up to more than 1 MB once read"):
        read_posts(path, limits=ReadLimits(max_uncompressed_mb=1))


@pytest.fixture
def parsed_blocks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The shape of each block the CSV parser hands over, in order."""
    import core.io.delimited
    import core.io.streaming

    shapes: list[tuple[int, int]] = []
    parse = core.io.delimited.csv_blocks

    def watched(*args: object, **options: object):
        for frame in parse(*args, **options):
            shapes.append(frame.shape)
            yield frame

    monkeypatch.setattr(core.io.delimited, "csv_blocks", watched)
    monkeypatch.setattr(core.io.streaming, "csv_blocks", watched)
    return shapes


def test_a_wide_csv_is_parsed_a_few_rows_at_a_time(tmp_path: Path, parsed_blocks: list[tuple[int, int]]) -> None:
    from core.io.delimited import BLOCK_CELLS

    path = tmp_path / "wide.csv"  # 4,096 columns: 100,000 rows at once would be 400 million cells
    path.write_bytes(_csv_bytes(3_000, columns=4_096))
    with pytest.raises(LimitExceeded, match="4,096 columns, more than 4,000,000 cells"):
        read_posts(path, limits=ReadLimits(max_cells=4_000_000))
    assert parsed_blocks and all(rows * columns <= BLOCK_CELLS for rows, columns in parsed_blocks)
    assert sum(rows for rows, _ in parsed_blocks) < 2_000  # stopped once over the limit
    parsed_blocks.clear()
    assert sum(len(chunk) for chunk in iter_posts(path)) == 3_000  # streamed in chunks of as many cells
    assert len(parsed_blocks) > 1 and all(rows * columns <= BLOCK_CELLS for rows, columns in parsed_blocks)


@pytest.mark.parametrize("array", [False, True])
def test_items_of_lists_and_objects_in_json_cells_count_as_cells(array: bool) -> None:
    records = [{"text": f"post {i}", "tags": [1, 2, {"a": [3]}]} for i in range(10)]  # 2 cells + 5 items each
    data = (json.dumps(records) if array else "\n".join(map(json.dumps, records))).encode()
    name = "p.json" if array else "p.jsonl"
    assert read_posts(data, filename=name, limits=ReadLimits(max_cells=70)).frame["tags"][9] == [1, 2, {"a": [3]}]
    with pytest.raises(LimitExceeded, match="10 rows of 2 columns and 50 values inside their lists and objects"):
        read_posts(data, filename=name, limits=ReadLimits(max_cells=69))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"text": "a"},\n {"text": "b"},]', "Expecting value at line 2"),
        ('[{"text": "a"}\n {"text": "b"}]', "Expecting ',' delimiter at line 2"),
        ('[{"text": "a"}] x', "Extra data at line 1"),
        ('[{"text": "a"}', "Expecting ',' delimiter at line 1"),
        ('[{"text": "a"}, 7]', "item 2 is a JSON number"),
    ],
)
def test_a_broken_json_array_says_where_as_json_loads_does(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_posts(text.encode(), filename="p.json")


def test_a_json_array_reads_as_json_loads_reads_it() -> None:
    text = ' \n[ {"text": "a", "n": [1, {"b": null}]} ,{"text": "\\ud83d\\ude00 \\ud83d"},\r\n{"id": NaN} ] \n'
    frame = read_posts(text.encode(), filename="p.json", text_col="text").frame
    assert frame["text"].tolist()[:2] == ["a", "\U0001f600 \ufffd"]  # a pair kept, a lone half replaced
    assert frame["n"][0] == [1, {"b": None}]
    assert len(frame) == 3 and pd.isna(frame["id"][2])
    with pytest.raises(InputError, match="no columns"):
        read_posts(b" [ ] ", filename="p.json")
