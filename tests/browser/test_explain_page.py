"""The Explain page in a real browser against a real server and the real model.

Covers what AppTest cannot: the highlighted post as the browser builds it from
``st.html``, the Plotly charts, and that a hostile typed post never runs or
renders as markup.
"""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS, MODEL_LOAD_MS, ROOT, keyed, wait_idle
from ui.sections.explain.post_picker import TYPED_TEXT

pytestmark = pytest.mark.browser

IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE = f"you are a stupid idiot {IMG} {SCRIPT} and I hate you"


def assert_not_pwned(page: Page) -> None:
    for frame in page.frames:
        assert frame.evaluate("window.__pwned") is None


def test_typed_hostile_post_is_highlighted_as_text(page: Page, server: str) -> None:
    page.add_init_script("window.__pwned = undefined")
    page.goto(f"{server}/explain")
    box = keyed(page, TYPED_TEXT).get_by_label("Type or paste a post")
    box.wait_for(timeout=MODEL_LOAD_MS)
    box.fill(HOSTILE)
    box.press("Control+Enter")

    highlights = page.locator(".modlens-highlight")
    highlights.nth(1).wait_for(timeout=60_000)  # one per label
    charts = page.locator(".js-plotly-plot")
    charts.nth(3).wait_for(timeout=60_000)  # strongest words and faithfulness, per label
    wait_idle(page)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("[data-testid=stMetric]").filter(has_text="toxic score").count() == 1

    toxic = highlights.first
    assert toxic.inner_text() == HOSTILE  # every character of the post, as text
    words = toxic.locator("span[title]")
    assert words.count() == 13
    idiot = words.filter(has_text="idiot").first
    assert float(idiot.get_attribute("title")) > 0  # hover value: raises the toxic score
    assert "(220, 38, 38" in idiot.evaluate("el => getComputedStyle(el).backgroundColor")  # red
    payload = words.filter(has_text="onerror").first
    assert payload.inner_text() == 'onerror="window.__pwned=1'

    bars = charts.first.locator(".ytick text").all_text_contents()  # Plotly's SVG axis labels
    assert any(label.startswith("idiot @") for label in bars), bars
    assert any(label.startswith("script>window.__pwned=1</script @") for label in bars), bars  # literal, not markup

    main = page.locator("[data-testid=stMain]")
    page.wait_for_timeout(300)
    assert_not_pwned(page)
    assert main.locator("img[src=x], script, [onerror]").count() == 0

    ARTIFACTS.mkdir(exist_ok=True)
    box.evaluate("el => el.blur()")
    page.set_viewport_size({"width": 1400, "height": 2600})  # the app scrolls inside: a tall window shows it all
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "explain-page.png"))
    if os.environ.get("MODLENS_UPDATE_DOCS") == "1":
        shutil.copyfile(ARTIFACTS / "explain-page.png", ROOT / "docs" / "explain-page.png")
