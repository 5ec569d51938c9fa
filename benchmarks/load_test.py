"""Load test: N analysts at once on one dashboard server, each scoring a file, explaining a post, opening Bias.

Starts ``streamlit run app.py`` on a free port with the active model
(``$MODLENS_MODEL`` or ``assets/model``), a throwaway ``$MODLENS_HOME`` and a short
``server.disconnectedSessionTTL``, loads the model once, then for each N in
``--sessions`` (default 1, 4, 8, 16) drives N browser sessions at the same time
(Playwright contexts in one ``/usr/bin/chromium``). Each session, like an analyst:

1. opens the Score page and uploads its own CSV (``--posts`` posts, different in
   every session and round, so nothing is answered from another session's cache),
   and waits for the results table;
2. opens the Explain page (post 0 of its upload) and waits for the highlighted post;
3. opens the Bias page (its scored posts) and waits for its last section.

It prints, per N: the median and slowest time to the results, to the explanation
and to the Bias page (from the start of the session), the peak memory of the server
process tree (RSS, sampled every 0.5 s) during the round, its memory once the
sessions have left (after the session TTL), and the errors (exceptions or error
boxes on a page, timeouts). The browser runs on the same machine as the server.

Run: ``nice -n 10 .venv/bin/python benchmarks/load_test.py [--sessions 1 4 8 16] [--posts 300] [--ttl 20]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STEP_TIMEOUT_MS = 600_000
"""Longest wait for one step of one session before it counts as an error."""
IDLE = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    return app !== null && app.dataset.testScriptState === 'notRunning'
        && document.querySelector('[data-testid=stStatusWidget]') === null
        && document.querySelector('[data-stale=true]') === null;
}"""

sys.path.insert(0, str(ROOT))

from core.paths import SAMPLE_POSTS  # noqa: E402
from core.registry import active_model_dir  # noqa: E402


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, model_dir: Path, home: Path, ttl: int, log: Path) -> subprocess.Popen:
    """``streamlit run app.py`` on ``port``; returns once ``/_stcore/health`` answers."""
    env = {**os.environ, "MODLENS_MODEL": str(model_dir), "MODLENS_HOME": str(home)}
    command = [
        *[sys.executable, "-m", "streamlit", "run", "app.py"],
        *["--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1"],
        *["--server.disconnectedSessionTTL", str(ttl)],
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"the server did not start; see {log}")


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its children, in bytes."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += process.memory_info().rss
    return total


def write_upload(path: Path, posts: int, tag: str) -> Path:
    """``posts`` sample posts, each made unique to this session and round by a tag."""
    sample = pd.read_csv(SAMPLE_POSTS, keep_default_na=False, dtype=str)
    texts = [f"{sample['text'].iloc[i % len(sample)]} ({tag}-{i})" for i in range(posts)]
    pd.DataFrame({"id": range(posts), "text": texts}).to_csv(path, index=False)
    return path


@dataclass
class SessionResult:
    """Seconds from the start of one session to each result, and what went wrong."""

    results: float | None = None
    explained: float | None = None
    bias: float | None = None
    errors: list[str] = field(default_factory=list)


async def idle(page) -> None:
    """Wait until the script is not running and no stale element is shown (twice, 0.5 s apart)."""
    await page.wait_for_function(IDLE, timeout=STEP_TIMEOUT_MS)
    await page.wait_for_timeout(500)
    await page.wait_for_function(IDLE, timeout=STEP_TIMEOUT_MS)


async def problems(page) -> list[str]:
    """Exceptions and error boxes on the page."""
    found = []
    for selector in ("[data-testid=stException]", "[data-testid=stAlertContentError]"):
        for text in await page.locator(selector).all_inner_texts():
            found.append(text.strip()[:160])
    return found


async def go(page, name: str) -> None:
    """Open a page through the sidebar (the session keeps its scored posts)."""
    await idle(page)
    await page.locator("[data-testid=stSidebarNav]").get_by_text(name, exact=True).click()


async def analyst(browser, url: str, upload: Path) -> SessionResult:
    """One session: score its file, explain post 0, open the Bias page; the time to each."""
    result = SessionResult()
    context = await browser.new_context(viewport={"width": 1400, "height": 1100})
    page = await context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    start = time.perf_counter()
    step = "results"
    try:
        await page.goto(f"{url}/score")
        await page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(upload))
        await page.locator('[class*="st-key-modlens-table-"] [data-testid=stDataFrame]').first.wait_for()
        result.results = time.perf_counter() - start
        result.errors += await problems(page)

        step = "explanation"
        await go(page, "Explain")
        await page.locator(".modlens-highlight").first.wait_for()
        result.explained = time.perf_counter() - start
        result.errors += await problems(page)

        step = "Bias page"
        await go(page, "Bias")
        await page.get_by_text("Swaps of one post").wait_for()
        await idle(page)
        result.bias = time.perf_counter() - start
        result.errors += await problems(page)
    except Exception as exc:  # a timeout or a closed page: counted, the others go on
        result.errors.append(f"{step}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
        with contextlib.suppress(Exception):  # what the stuck page shows, for the report
            shown = (await page.locator("[data-testid=stMain]").inner_text())[-600:]
            result.errors.append(f"{step}: the page ends with: " + " | ".join(shown.split("\n")[-12:]))
    finally:
        await context.close()
    return result


async def sample_memory(pid: int, stop: asyncio.Event, peak: list[int]) -> None:
    """Keep the highest RSS of the server tree in ``peak[0]`` until ``stop``."""
    while not stop.is_set():
        peak[0] = max(peak[0], tree_rss(pid))
        await asyncio.sleep(0.5)


async def round_of(browser, url: str, pid: int, n: int, posts: int, folder: Path) -> tuple[list[SessionResult], int]:
    """N sessions at once; their results and the peak server memory meanwhile."""
    uploads = [write_upload(folder / f"n{n}-s{i}.csv", posts, f"n{n}s{i}") for i in range(n)]
    stop, peak = asyncio.Event(), [tree_rss(pid)]
    sampler = asyncio.create_task(sample_memory(pid, stop, peak))
    results = await asyncio.gather(*(analyst(browser, url, upload) for upload in uploads))
    stop.set()
    await sampler
    return list(results), peak[0]


def markdown(rows: list[dict[str, object]]) -> str:
    """A Markdown table of ``rows`` (for the README)."""
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(row[k]) for k in head) + " |" for row in rows]
    return "\n".join(lines)


def stat(values: list[float | None]) -> str:
    """``median / slowest`` seconds, or ``-`` when no session got there."""
    done = [v for v in values if v is not None]
    if not done:
        return "-"
    return f"{statistics.median(done):.1f} / {max(done):.1f}"


async def main_async(args: argparse.Namespace) -> int:
    from playwright.async_api import async_playwright

    model_dir = active_model_dir()
    folder = Path(tempfile.mkdtemp(prefix="modlens-load-"))
    log = folder / "server.log"
    port = free_port()
    server = start_server(port, model_dir, folder / "home", args.ttl, log)
    url = f"http://127.0.0.1:{port}"
    rows = []
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            warm = await browser.new_page()
            warm.set_default_timeout(STEP_TIMEOUT_MS)
            await warm.goto(f"{url}/")
            await warm.get_by_text("Labels and thresholds").wait_for()  # the model is loaded once per server
            await warm.context.close()
            await asyncio.sleep(args.ttl + 10)
            baseline = tree_rss(server.pid)
            print(f"model {model_dir}; {args.posts} posts per upload; server after warm-up {baseline / 2**20:,.0f} MB")
            for n in args.sessions:
                started = time.perf_counter()
                results, peak = await round_of(browser, url, server.pid, n, args.posts, folder)
                took = time.perf_counter() - started
                await asyncio.sleep(args.ttl + 10)  # the sessions have left: their state is dropped after the TTL
                after = tree_rss(server.pid)
                errors = [e for r in results for e in r.errors]
                rows.append(
                    {
                        "sessions": n,
                        "to results (s)": stat([r.results for r in results]),
                        "to explanation (s)": stat([r.explained for r in results]),
                        "to Bias page (s)": stat([r.bias for r in results]),
                        "peak memory (MB)": f"{peak / 2**20:,.0f}",
                        "after leaving (MB)": f"{after / 2**20:,.0f}",
                        "errors": len(errors),
                        "round (s)": f"{took:.0f}",
                    }
                )
                print(pd.DataFrame(rows[-1:]).to_string(index=False), flush=True)
                for error in errors[:5]:
                    print(f"  error: {error}", flush=True)
            await browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    print()
    print("times are median / slowest session, from opening the Score page; memory is the server's process tree")
    print(markdown(rows) if rows else "no round finished")
    print(f"server log: {log}")
    return 1 if any(row["errors"] for row in rows) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 4, 8, 16])
    parser.add_argument("--posts", type=int, default=300, help="posts per uploaded file")
    parser.add_argument("--ttl", type=int, default=20, help="server.disconnectedSessionTTL in seconds")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
