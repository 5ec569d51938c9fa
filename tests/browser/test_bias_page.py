"""The Bias page in a real browser against a real server and the real model, on the sample posts."""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS, MODEL_LOAD_MS, ROOT, keyed, wait_idle
from ui.sections.bias.settings import threshold_key

pytestmark = pytest.mark.browser

TABLE = ".st-key-modlens-bias-table"
AUC_CHART = ".st-key-modlens-bias-auc .js-plotly-plot"
ERROR_CHART = ".st-key-modlens-bias-errors .js-plotly-plot"
TALL = 4000
"""Window height for the screenshot: the app scrolls inside, so a tall window shows the top sections at once."""


def plotted(page: Page, selector: str) -> list[list[float | None]]:
    """The y values of every trace of the plotly chart at ``selector``, as drawn in the browser."""
    return page.locator(selector).evaluate("node => node.data.map(trace => Array.from(trace.y))")


def test_bias_page_on_the_sample_posts(page: Page, server: str) -> None:
    page.goto(f"{server}/bias")
    page.locator("h1", has_text="Bias").wait_for(timeout=MODEL_LOAD_MS)
    page.get_by_text("Sample posts", exact=True).click()
    page.get_by_text("sample_posts.csv: 300 posts").wait_for(timeout=MODEL_LOAD_MS)
    page.locator(f"{TABLE} [data-testid=stDataFrame] canvas").first.wait_for(timeout=60_000)
    auc = page.locator(AUC_CHART)
    auc.wait_for(timeout=60_000)
    wait_idle(page)
    assert "AUC by identity group: good when every bar is high" in auc.inner_text()
    assert [len(y) for y in plotted(page, AUC_CHART)] == [len(plotted(page, AUC_CHART)[0])] * 3
    assert page.locator("[data-testid=stException]").count() == 0

    slider = keyed(page, threshold_key("toxic")).get_by_role("slider")
    start = slider.get_attribute("aria-valuetext")
    assert start is not None and 0 < float(start) < 1  # the model's threshold
    page.get_by_text(f"At threshold {start}: overall false positive rate").wait_for()
    fpr_before = plotted(page, ERROR_CHART)[0]
    assert any(v is not None and v < 1 for v in fpr_before)

    wait_idle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": TALL})
    heatmap = page.locator(".st-key-modlens-bias-heatmap")
    heatmap.locator(".js-plotly-plot").wait_for()
    page.wait_for_timeout(1500)
    box = heatmap.bounding_box()
    assert box is not None
    bottom = min(TALL, box["y"] + box["height"] + 24)  # settings, table, AUC, error rates and heatmap
    page.screenshot(path=str(ARTIFACTS / "bias-page.png"), clip={"x": 0, "y": 0, "width": 1400, "height": bottom})
    page.set_viewport_size({"width": 1400, "height": 1100})
    if os.environ.get("MODLENS_UPDATE_DOCS") == "1":
        shutil.copyfile(ARTIFACTS / "bias-page.png", ROOT / "docs" / "bias-page.png")

    slider.press("Home")  # threshold 0: every post is flagged
    page.get_by_text("At threshold 0.000: overall false positive rate 1.000, false negative rate 0.000.").wait_for(
        timeout=60_000
    )
    wait_idle(page)
    assert slider.get_attribute("aria-valuetext") == "0.000"
    page.wait_for_function(
        f"() => document.querySelector('{ERROR_CHART}').data[0].y.every(v => v === null || v === 1)",
        timeout=30_000,
    )
    wait_idle(page)
    assert plotted(page, ERROR_CHART)[0] != fpr_before
    assert page.locator("[data-testid=stException]").count() == 0
