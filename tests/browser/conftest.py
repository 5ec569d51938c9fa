"""Browser fixtures: a real ``streamlit run app.py`` server with the real model, and Chromium via Playwright.

The server uses the active model directory (``$MODLENS_MODEL``, else
``assets/model``); the tests skip only when that directory does not exist
(or Chromium is missing). Screenshots and the server log go to ``artifacts/``.

On a busy machine a script run takes seconds, and while it runs Streamlit shows
the elements of the previous run (marked stale) next to the new ones. So tests
wait with :func:`wait_idle` before they read the page, and address widgets by
their key (:func:`keyed`), which exists once.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page

from core.registry import active_model_dir

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
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
MODEL_LOAD_MS = 180_000
"""First page that needs the model waits this long (TensorFlow import and warm-up on a busy machine)."""
IDLE_MS = 120_000
"""How long a script run may take before :func:`wait_idle` gives up."""
SETTLE_MS = 500
"""The app must look idle twice, this far apart: a click's rerun may not have started at the first look."""
IDLE = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    return app !== null
        && app.dataset.testScriptState === 'notRunning'
        && document.querySelector('[data-testid=stStatusWidget]') === null
        && document.querySelector('[data-stale=true]') === null;
}"""
"""True when no script run is in progress or asked for and no element of an earlier run is still shown."""


def wait_idle(page: Page, timeout: float = IDLE_MS) -> None:
    """Wait until Streamlit is idle: the script is not running, and no stale element is left on the page."""
    page.wait_for_function(IDLE, timeout=timeout)
    page.wait_for_timeout(SETTLE_MS)
    page.wait_for_function(IDLE, timeout=timeout)


def keyed(page: Page, key: str) -> Locator:
    """The element with widget or container key ``key`` (Streamlit's ``st-key-`` class, dots as dashes).

    A copy left from the previous script run (``data-stale``) is not matched: while a run is in progress
    Streamlit may show both.
    """
    return page.locator(f".st-key-{key.replace('.', '-')}:not([data-stale=true])")


def metric(page: Page, label: str) -> str:
    """Displayed value of the metric called ``label``, once the page is idle."""
    wait_idle(page)
    box = page.locator("[data-testid=stMetric]").filter(has=page.get_by_text(label, exact=True))
    return box.locator("[data-testid=stMetricValue]").inner_text().strip()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def model_dir() -> Path:
    directory = active_model_dir()
    if not (directory / "metadata.json").exists():
        pytest.skip(f"no model directory at {directory}: set MODLENS_MODEL to a model directory or train assets/model")
    return directory


@contextmanager
def streamlit_server(model_dir: Path | None, log_name: str, home: Path | None = None) -> Iterator[str]:
    """Run ``streamlit run app.py`` on a free port; yields the base URL once ``/_stcore/health`` answers.

    ``model_dir`` becomes ``$MODLENS_MODEL`` (None: unset, the registry's active version scores).
    ``home`` becomes ``$MODLENS_HOME``, the server's model registry: a new temporary folder by default
    (session fixtures start before the autouse fixture isolates the environment), so a test server never
    reads or changes the user's registry.
    """
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    port = _free_port()
    log = (ARTIFACTS / log_name).open("w")
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
    env = {**os.environ, "MODLENS_HOME": str(home or tempfile.mkdtemp(prefix="modlens-home-"))}
    env.pop("MODLENS_MODEL", None)
    if model_dir is not None:
        env["MODLENS_MODEL"] = str(model_dir)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start; see {ARTIFACTS / log_name}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def server(model_dir: Path) -> Iterator[str]:
    """Base URL of the server shared by the browser tests (one model load)."""
    with streamlit_server(model_dir, "streamlit-server.log") as url:
        yield url


@pytest.fixture
def fresh_server(model_dir: Path) -> Iterator[str]:
    """Base URL of a server that has not served any request yet."""
    with streamlit_server(model_dir, "streamlit-fresh-server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser(model_dir: Path) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser session (own Streamlit session) that accepts downloads."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()
