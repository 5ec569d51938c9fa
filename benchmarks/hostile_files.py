"""Peak memory and time of reading hostile files: each is read in a child process that is watched.

Builds the files of issue 15 (an xlsx claiming a huge dimension, an xlsx zip bomb, a
wide sheet, a CSV header with a million columns, a huge single-line file, ``/dev/zero``,
a FIFO) and reads each with ``core.io.posts.read_posts`` (the dashboard's and most
commands' reader) and, for the text files, ``core.io.streaming.iter_posts`` (the
streaming reader of ``score``); one 10 MB post goes through ``python -m core explain``
with the bundled model. Each runs in a child process; the table gives the child's peak
resident memory, its time and how it ended. A watchdog kills a child above
``--cap-mb`` of memory or after ``--timeout`` seconds, so the machine is never at risk.

Usage: python benchmarks/hostile_files.py [--cap-mb 3000] [--timeout 60] [--keep DIR] [--only TEXT]
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import sys, time
started = time.perf_counter()
kind, path = sys.argv[1], sys.argv[2]
try:
    if kind == "stream":
        from core.io.streaming import iter_posts
        rows = sum(len(chunk) for chunk in iter_posts(path))
    else:
        from core.io.posts import read_posts
        rows = len(read_posts(path))
    outcome = f"read {rows} rows"
except Exception as exc:
    outcome = f"{type(exc).__name__}: {' '.join(str(exc).split())[:150]}"
status = open("/proc/self/status").read()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024  # own peak; ru_maxrss would include the forking parent
print(f"{peak:.0f}\\t{time.perf_counter() - started:.1f}\\t{outcome}")
"""


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(kind: str, path: str, cap_mb: float, timeout: float) -> tuple[str, str, str]:
    """Peak MB, seconds and outcome of reading ``path`` in a watched child process."""
    if kind == "explain":
        return _explain(path, cap_mb, timeout)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, kind, path],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak, verdict = _watch(child, started, cap_mb, timeout)
    if verdict:
        return f">{peak:.0f}", f"{time.perf_counter() - started:.1f}", verdict
    out = (child.stdout.read() if child.stdout else "").strip().split("\t")
    if len(out) != 3:
        return f"{peak:.0f}", f"{time.perf_counter() - started:.1f}", f"crashed (exit {child.returncode})"
    return out[0], out[1], out[2]


def _explain(path: str, cap_mb: float, timeout: float) -> tuple[str, str, str]:
    """``python -m core explain FILE -o OUT`` with the bundled model, watched like a reader."""
    started = time.perf_counter()
    out = Path(path).with_suffix(".explained.csv")
    child = subprocess.Popen(
        [sys.executable, "-m", "core", "explain", path, "-o", str(out), "--model", str(ROOT / "assets" / "model")],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak, verdict = _watch(child, started, cap_mb, timeout)
    seconds = f"{time.perf_counter() - started:.1f}"
    if verdict:
        return f">{peak:.0f}", seconds, verdict
    notes = [line for line in (child.stderr.read() if child.stderr else "").splitlines() if line.startswith("note:")]
    out.unlink(missing_ok=True)
    return f"{peak:.0f}", seconds, f"exit {child.returncode}; " + (notes[-1] if notes else "no note")


def _watch(child: subprocess.Popen, started: float, cap_mb: float, timeout: float) -> tuple[float, str]:
    """Poll the child's resident memory until it ends; kill it above the cap or after the timeout."""
    peak = 0.0
    verdict = ""
    while child.poll() is None:
        peak = max(peak, _rss_mb(child.pid))
        if peak > cap_mb:
            verdict = f"KILLED above {cap_mb:.0f} MB"
        elif time.perf_counter() - started > timeout:
            verdict = f"KILLED after {timeout:.0f} s (hangs)"
        if verdict:
            child.kill()
            child.wait()
            return peak, verdict
        time.sleep(0.02)
    return peak, ""


# -- hostile files -------------------------------------------------------------------------------
def _base_xlsx() -> dict[str, bytes]:
    """The parts of a small valid workbook, to rebuild with a hostile sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["text"])
    book.active.append(["hello"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _xlsx(path: Path, sheet: Callable[[], Iterator[bytes]]) -> None:
    parts = _base_xlsx()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            if name == "xl/worksheets/sheet1.xml":
                with archive.open(name, "w", force_zip64=True) as handle:
                    for block in sheet():
                        handle.write(block)
            else:
                archive.writestr(name, data)


HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _col(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def huge_dimension(path: Path) -> None:
    """A two-cell sheet whose ``<dimension>`` claims all 17 billion cells of a sheet."""

    def sheet() -> Iterator[bytes]:
        yield HEAD + b'<dimension ref="A1:XFD1048576"/><sheetData>'
        yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>text</t></is></c></row>'
        yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>hello</t></is></c></row>'
        yield b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'

    _xlsx(path, sheet)


def zip_bomb(path: Path) -> None:
    """Four million identical rows: about 400 MB of XML in a file of a few MB."""

    def sheet() -> Iterator[bytes]:
        yield HEAD + b"<sheetData>"
        yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>text</t></is></c></row>'
        row = b'<row><c t="inlineStr"><is><t>you are lovely</t></is></c></row>'
        for _ in range(4_000):
            yield row * 1_000
        yield b"</sheetData></worksheet>"

    _xlsx(path, sheet)


def wide_sheet(path: Path) -> None:
    """A sheet 16,384 columns wide (the most Excel allows) and 500 rows deep."""
    cells = b"".join(b'<c r="%s1" t="inlineStr"><is><t>c%d</t></is></c>' % (_col(i).encode(), i) for i in range(16_384))

    def sheet() -> Iterator[bytes]:
        yield HEAD + b"<sheetData><row>" + cells.replace(b"c0<", b"text<") + b"</row>"
        body = b"<row>" + b"<c><v>1</v></c>" * 16_384 + b"</row>"
        for _ in range(500):
            yield body
        yield b"</sheetData></worksheet>"

    _xlsx(path, sheet)


def wide_header(path: Path) -> None:
    """A CSV whose header has a million columns (about 7 MB)."""
    with open(path, "w") as handle:
        handle.write("text," + ",".join(f"c{i}" for i in range(1_000_000)) + "\n")
        handle.write("hello" + "," * 1_000_000 + "\n")


def single_line(path: Path) -> None:
    """A 150 MB CSV without a single newline."""
    with open(path, "w") as handle:
        handle.write("text,")
        block = "a" * (1 << 20)
        for _ in range(150):
            handle.write(block)


def big_post(path: Path) -> None:
    """One post of 10 MB (words), to explain: SHAP scores hundreds of masked copies of it."""
    with open(path, "w") as handle:
        handle.write("text\n" + "you are an idiot and " * 500_000 + "\n")


def fifo(path: Path) -> None:
    """A named pipe that nobody writes to: a reader that opens it waits forever."""
    os.mkfifo(path)


CASES: list[tuple[str, str, Callable[[Path], None] | None, tuple[str, ...]]] = [
    ("xlsx claiming a huge dimension", "dimension.xlsx", huge_dimension, ("read",)),
    ("xlsx zip bomb", "bomb.xlsx", zip_bomb, ("read",)),
    ("wide xlsx sheet (16,384 columns)", "wide.xlsx", wide_sheet, ("read",)),
    ("CSV header, 1,000,000 columns", "header.csv", wide_header, ("read", "stream")),
    ("150 MB single-line CSV", "line.csv", single_line, ("read", "stream")),
    ("/dev/zero", "/dev/zero", None, ("read", "stream")),
    ("FIFO nobody writes to", "pipe.csv", fifo, ("read", "stream")),
    ("one 10 MB post, explained", "bigpost.csv", big_post, ("explain",)),
]


def main() -> None:
    """Build the files, read each in a watched child, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap-mb", type=float, default=3000, help="kill a child above this resident memory")
    parser.add_argument("--timeout", type=float, default=60, help="kill a child after this many seconds")
    parser.add_argument("--keep", type=Path, default=None, help="build the files in this folder and keep them")
    parser.add_argument("--only", default="", help="run only the cases whose title contains this text")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="modlens-hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{'file':<34} {'reader':<7} {'on disk':>9} {'peak MB':>8} {'seconds':>8}  outcome")
    for title, name, build, readers in CASES:
        if args.only not in title:
            continue
        path = Path(name) if name.startswith("/") else folder / name
        if build is not None and not os.path.lexists(path):
            build(path)
        size = "-" if name.startswith("/") or build is fifo else f"{path.stat().st_size / 2**20:.1f} MB"
        for reader in readers:
            peak, seconds, outcome = measure(reader, str(path), args.cap_mb, args.timeout)
            print(f"{title:<34} {reader:<7} {size:>9} {peak:>8} {seconds:>8}  {outcome}", flush=True)
    if args.keep is None:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
