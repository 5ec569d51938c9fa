"""Every request a page makes goes to the dashboard's own server: nothing from a CDN, nothing a name points at.

A version in the registry has a hostile name and model card (Markdown images, an
HTML ``<img>``, a reference-style image, all pointing at ``example.invalid``); the
test opens every page as a user would (one session, through the navigation), scores
the sample posts, explains a post, opens the Bias page and the hostile card, and
records every request of the page (``page.on("request")``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from core.paths import SAMPLE_POSTS
from core.registry import ModelRegistry
from tests.browser.conftest import MODEL_LOAD_MS, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

OUTSIDE = "http://example.invalid"
NAME = f"![n]({OUTSIDE}/name.png) <img src='{OUTSIDE}/name-tag.png'>"
CARD = (
    f"# Model card: {NAME}\n\n"
    f'Trained by ![me]({OUTSIDE}/card.png) and <img src="{OUTSIDE}/tag.png">.\n\n'
    "![ref][logo]\n\n"
    f"[logo]: {OUTSIDE}/ref.png\n"
)


@pytest.fixture
def hostile_home(tmp_path: Path) -> Path:
    """A registry whose active version has the hostile name and card (scoring uses $MODLENS_MODEL)."""
    home = tmp_path / "home"
    source = tmp_path / "hostile-version"
    source.mkdir()
    metadata = {
        "format_version": 1,
        "name": NAME,
        "labels": ["toxic", "hate"],
        "thresholds": {"toxic": 0.5, "hate": 0.5},
    }
    (source / "metadata.json").write_text(json.dumps(metadata))
    (source / "model_card.md").write_text(CARD)
    registry = ModelRegistry(root=home / "models")
    registry.activate(registry.add(source))
    return home


@pytest.fixture
def recorded(browser: Browser, model_dir: Path, hostile_home: Path) -> Iterator[tuple[Page, str, list[str]]]:
    with streamlit_server(model_dir, "streamlit-requests-server.log", home=hostile_home) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        page = context.new_page()
        page.set_default_timeout(60_000)
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        yield page, url, requests
        context.close()


def go(page: Page, name: str) -> None:
    """Open a page through the sidebar (the session and its scored posts stay)."""
    wait_idle(page)
    page.locator("[data-testid=stSidebarNav]").get_by_text(name, exact=True).click()


def test_no_page_requests_anything_outside_the_server(recorded: tuple[Page, str, list[str]]) -> None:
    page, url, requests = recorded
    page.goto(f"{url}/")
    page.get_by_text("Labels and thresholds").wait_for(timeout=MODEL_LOAD_MS)

    go(page, "Score")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(SAMPLE_POSTS))
    page.locator(".js-plotly-plot").nth(1).wait_for(timeout=120_000)  # results and charts

    go(page, "Explain")
    page.locator(".modlens-highlight").first.wait_for(timeout=120_000)  # post 0 explained

    go(page, "Bias")
    page.locator(".st-key-modlens-bias-auc .js-plotly-plot").wait_for(timeout=120_000)

    go(page, "Model")
    page.get_by_text("Model card of version 1").click()
    page.get_by_role("heading", name="Model card:").wait_for()
    wait_idle(page)
    page.wait_for_timeout(1_000)  # let the browser start any fetch the card could cause

    outside = sorted({r for r in requests if not r.startswith((url, "data:", "blob:"))})
    assert outside == []
    assert any("MaterialSymbols" in r for r in requests)  # the icon font came from this server
    favicon = page.evaluate("document.querySelector(\"link[rel='shortcut icon']\").href")
    assert favicon.startswith(url), favicon
    card = page.locator("[data-testid=stExpanderDetails]").filter(has_text="Trained by").first
    assert card.locator("img").count() == 0
    assert "me" in card.inner_text()  # the image became a link
