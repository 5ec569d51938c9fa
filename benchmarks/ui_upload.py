"""Benchmark: upload to first results for a 100,000-post CSV, in a real browser.

Target (issue "app shell and Score page"): under 20 s from choosing the file in
the Score page's uploader to the results (summary and table of all posts) on
screen, with the model already loaded (it is loaded once per server process).

Builds a CSV of real posts (Jigsaw comments and Davidson tweets from
``../shared/data``, cycled and shuffled to the wanted size), starts
``streamlit run app.py`` on a free port with the active model
(``$MODLENS_MODEL`` or ``assets/model``), opens the home page (which loads the
model), then uploads the file through the real widget with Playwright driving
``/usr/bin/chromium`` and prints the timings. Exits 1 if over budget.

Run: ``.venv/bin/python benchmarks/ui_upload.py [--rows N] [--budget SECONDS] [--runs K]``.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
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

sys.path.insert(0, str(ROOT))

from benchmarks.shared_data import data_file  # noqa: E402
from core.registry import active_model_dir  # noqa: E402


def build_csv(rows: int, path: Path, seed: int = 0) -> Path:
    """A CSV of ``rows`` real posts (columns ``id``, ``text``), each one with a unique row number."""
    jigsaw = pd.read_csv(data_file("jigsaw_toxic", "text_comment_1.csv.gz", data=SHARED), usecols=["comment_text"])
    davidson = pd.read_csv(data_file("davidson", "labeled_data.csv.gz", data=SHARED), usecols=["tweet"])
    texts = pd.concat([jigsaw["comment_text"], davidson["tweet"]], ignore_index=True).astype(str)
    order = np.random.default_rng(seed).permutation(np.resize(np.arange(len(texts)), rows))
    frame = pd.DataFrame({"id": [f"b{i:06d}" for i in range(rows)], "text": texts.to_numpy()[order]})
    frame.to_csv(path, index=False)
    return path


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, model_dir: Path, home: Path) -> subprocess.Popen:
    """``streamlit run app.py`` on ``port`` with a throwaway ``home``; returns once ``/_stcore/health`` answers.

    ``home`` is the server's ``$MODLENS_HOME``: the uploads are saved as batches in its database,
    never in the user's own (``~/.modlens``).
    """
    env = {**os.environ, "MODLENS_MODEL": str(model_dir), "MODLENS_HOME": str(home)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("streamlit did not become healthy within 60 s")


def run(rows: int, runs: int) -> tuple[float, list[float]]:
    """Model load seconds (home page) and upload-to-results seconds of each run."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = build_csv(rows, Path(tmp) / f"posts_{rows}.csv")
        print(f"{rows:,} posts, {csv_path.stat().st_size / 1e6:.1f} MB CSV", flush=True)
        port = free_port()
        server = start_server(port, active_model_dir(), Path(tmp) / "home")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                started = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/")
                page.get_by_text("Labels and thresholds").wait_for(timeout=180_000)
                load = time.perf_counter() - started
                timings = []
                for attempt in range(runs):
                    page.goto(f"http://127.0.0.1:{port}/score")
                    page.get_by_text("Upload a file of posts").wait_for(timeout=60_000)
                    if attempt:  # a fresh file each run, so that cached scores do not count
                        csv_path = build_csv(rows, Path(tmp) / f"posts_{rows}_{attempt}.csv", seed=attempt)
                    started = time.perf_counter()
                    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(csv_path))
                    page.get_by_text(f"of {rows:,} posts, named").wait_for(timeout=300_000)  # one page of the table
                    page.locator("[data-testid=stDataFrame] canvas").first.wait_for(timeout=60_000)
                    timings.append(time.perf_counter() - started)
                    print(f"run {attempt + 1}: upload to first results {timings[-1]:.1f} s", flush=True)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    return load, timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds allowed from upload to results")
    parser.add_argument("--runs", type=int, default=1, help="uploads of different files, one after the other")
    args = parser.parse_args()
    if not (active_model_dir() / "model.keras").exists():
        print(f"No model at {active_model_dir()}; set MODLENS_MODEL to a model directory.", file=sys.stderr)
        return 2
    load, timings = run(args.rows, args.runs)
    best = min(timings)
    print(f"model load (home page, once per server): {load:.1f} s")
    print(
        f"upload to first results, {args.rows:,} rows: {best:.1f} s "
        f"(best of {len(timings)}; budget {args.budget:.0f} s)"
    )
    return 0 if best <= args.budget else 1


if __name__ == "__main__":
    raise SystemExit(main())
