"""The Score page in a real browser against a real server and the real model.

Covers what AppTest cannot: the real upload widget, the rendered table and
charts, the download, the stable URLs, and that hostile post text never runs
or renders as markup in the DOM.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Download, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from core.io.export import escape_cell
from core.paths import SAMPLE_POSTS
from core.privacy import redact_text, redact_texts
from tests.browser.conftest import ARTIFACTS, MODEL_LOAD_MS, ROOT, keyed, metric, wait_idle
from ui.components.thresholds import slider_key
from ui.sections.score.table import TABLE as TABLE_KEY_PREFIX

pytestmark = pytest.mark.browser

UPLOADER = "[data-testid=stFileUploaderDropzoneInput]"


def results_table(page: Page) -> Locator:
    """The results table: its widget key holds the rows shown (``table_key``), so it is matched by its prefix."""
    prefix = "st-key-" + TABLE_KEY_PREFIX.replace(".", "-") + "-"
    return page.locator(f'[class*="{prefix}"]:not([data-stale=true])')


HOSTILE = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=2</script>",
    '<svg onload="window.__pwned=3"></svg><iframe srcdoc="<script>parent.__pwned=4</script>"></iframe>',
    "**bold** _it_ [click me](javascript:window.__pwned=5) ![img](http://127.0.0.1:9/x.png)",
    ":red[red text] :material/home: $x^2$ http://evil.example",
    '=HYPERLINK("http://evil.example","click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


def open_score(page: Page, server: str) -> None:
    page.goto(f"{server}/score")
    page.get_by_text("Upload a file of posts").wait_for(timeout=MODEL_LOAD_MS)


def upload(page: Page, path: Path) -> None:
    page.locator(UPLOADER).set_input_files(str(path))


def download_csv(page: Page, attempts: int = 3) -> Download:
    """Click "Download CSV" and return the download.

    On a busy machine a click can land while Streamlit re-runs the script and swaps
    the button; like a user, click again.
    """
    for attempt in range(attempts):
        wait_idle(page)
        try:
            with page.expect_download(timeout=30_000) as info:
                page.get_by_role("button", name="Download CSV").click()
            return info.value
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def assert_not_pwned(page: Page) -> None:
    assert page.evaluate("window.__pwned") is None
    for frame in page.frames:
        assert frame.evaluate("window.__pwned") is None


def test_deep_link_on_a_fresh_server_runs_inside_the_app_shell(page: Page, fresh_server: str) -> None:
    # Streamlit's legacy pages/ mode would run pages/bias.py alone (no page config, file-name sidebar)
    page.goto(f"{fresh_server}/bias")
    page.locator("h1", has_text="Bias").wait_for(timeout=60_000)
    nav = page.locator("[data-testid=stSidebarNav]")
    nav.get_by_text("Score", exact=True).wait_for()
    assert nav.get_by_text("app", exact=True).count() == 0
    assert page.url.endswith("/bias")
    assert page.locator("h1").first.bounding_box()["width"] > 900  # layout="wide" from app.py


def test_stable_urls(page: Page, server: str) -> None:
    for path, title in [
        ("/", "ModLens"),
        ("/score", "Score posts"),
        ("/explain", "Explain"),
        ("/bias", "Bias"),
        ("/model", "Model"),
    ]:
        page.goto(f"{server}{path}")
        heading = page.locator("h1").first
        heading.wait_for(timeout=MODEL_LOAD_MS)
        assert heading.inner_text().strip() == title
    page.goto(f"{server}/")
    page.get_by_text("Labels and thresholds").wait_for(timeout=MODEL_LOAD_MS)
    assert page.get_by_text("toxic", exact=True).count() >= 1


def test_upload_sample_table_charts_threshold_and_csv(page: Page, server: str, tmp_path: Path) -> None:
    open_score(page, server)
    upload(page, SAMPLE_POSTS)
    page.get_by_text("Showing posts 1-200 of the 300 that match, of 300 posts").wait_for(timeout=120_000)
    results_table(page).locator("canvas").first.wait_for()
    charts = page.locator(".js-plotly-plot")
    charts.nth(7).wait_for()  # 2 histograms + ROC, PR and confusion for toxic and hate (truth columns guessed)
    wait_idle(page)
    assert charts.count() == 8
    assert page.locator("[data-testid=stException]").count() == 0
    assert metric(page, "Posts") == "300"
    before = int(metric(page, "Flagged toxic").replace(",", ""))
    assert 0 < before < 300

    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 2900})  # the app scrolls inside: a tall window shows it all
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "score-page.png"))
    page.set_viewport_size({"width": 1400, "height": 1100})
    if os.environ.get("MODLENS_UPDATE_DOCS") == "1":
        shutil.copyfile(ARTIFACTS / "score-page.png", ROOT / "docs" / "score-page.png")

    wait_idle(page)
    slider = keyed(page, slider_key("toxic")).get_by_role("slider")
    slider.press("Home")  # threshold 0: every post is flagged
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".some(m => m.innerText.startsWith('Flagged toxic') && m.innerText.includes('100.0% of posts'))",
        timeout=60_000,
    )
    wait_idle(page)
    assert slider.get_attribute("aria-valuetext") == "0.000"
    assert metric(page, "Flagged toxic") == "300"

    download = download_csv(page)
    path = tmp_path / "scored.csv"
    download.save_as(path)
    assert download.suggested_filename == "sample_posts.scored.csv"
    scored = pd.read_csv(path, keep_default_na=False, dtype={"id": str})
    original = pd.read_csv(SAMPLE_POSTS, keep_default_na=False, dtype=str)
    assert len(scored) == 300
    assert scored["id"].tolist() == original["id"].tolist()
    shown = redact_texts(original["text"].tolist()).texts  # personal data hidden, then escaped as the CLI does
    assert scored["text"].tolist() == [escape_cell(t) for t in shown]
    assert scored["flag_toxic"].tolist() == [1] * 300
    assert set(scored["threshold_toxic"]) == {0.0}
    assert scored["score_toxic"].between(0, 1).all() and scored["score_hate"].between(0, 1).all()
    hate_threshold = float(scored["threshold_hate"].iloc[0])
    assert hate_threshold > 0
    assert ((scored["score_hate"] >= hate_threshold).astype(int) == scored["flag_hate"]).all()


def test_broken_file_shows_the_error_and_the_app_keeps_working(page: Page, server: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b'id,text\n1,"this quote is never closed\n2,fine\n')
    open_score(page, server)
    upload(page, broken)
    alert = page.locator("[data-testid=stAlertContentError]")
    alert.wait_for(timeout=60_000)
    wait_idle(page)
    assert "is never closed" in alert.inner_text()
    assert page.locator("[data-testid=stException]").count() == 0
    page.get_by_role("button", name="Use sample posts").click()
    page.get_by_text("Showing posts 1-200 of the 300 that match, of 300 posts").wait_for(timeout=120_000)
    wait_idle(page)
    assert page.locator("[data-testid=stAlertContentError]").count() == 0
    page.get_by_role("link", name="Bias").click()
    page.locator("h1", has_text="Bias").wait_for()


def test_hostile_posts_never_run_or_render(page: Page, server: str, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.csv"
    with hostile.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "toxic"])
        for i, text in enumerate(HOSTILE):
            # label values are hostile too: the label error quotes them
            writer.writerow([text, "**bold** [a](http://evil.x)" if i == 0 else "0"])
    page.add_init_script("window.__pwned = undefined")
    open_score(page, server)
    upload(page, hostile)
    page.get_by_text(f"Showing {len(HOSTILE)} of {len(HOSTILE)} posts").wait_for(timeout=120_000)
    table = results_table(page)
    table.locator("canvas").first.wait_for()
    wait_idle(page)

    alert = page.locator("[data-testid=stAlertContentError]")
    assert "has values that are not labels" in alert.inner_text()
    assert "'**bold** [a](http://evil.x)'" in alert.inner_text().replace("\u2060", "")  # shown literally

    # open the Markdown post: search narrows the table to it, then select its row
    page.get_by_label("Search post text").fill("click me")
    page.get_by_label("Search post text").press("Enter")
    page.get_by_text(f"Showing 1 of {len(HOSTILE)} posts").wait_for()
    wait_idle(page)
    table.click(position={"x": 17, "y": 36 + 17})  # the row's selection box, below the header row
    code = page.locator("[data-testid=stCode]")
    code.wait_for()
    wait_idle(page)
    assert code.inner_text().strip() == redact_text(HOSTILE[3]).text  # verbatim but for the hidden URL

    page.wait_for_timeout(500)
    assert_not_pwned(page)
    main = page.locator("[data-testid=stMain]")
    assert main.locator("img[src=x], svg[onload], iframe").count() == 0
    formatted = main.locator("strong, em, del, a").evaluate_all("nodes => nodes.map(n => n.textContent)")
    assert not [t for t in formatted if t in ("bold", "it", "click me", "red text")], formatted
    assert main.locator("script").count() == 0
    hrefs = main.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href') || '')")
    assert not [h for h in hrefs if "javascript" in h or "evil" in h or "127.0.0.1:9" in h]
    markdown = " ".join(main.locator("[data-testid=stMarkdownContainer]").all_inner_texts())
    assert "red text" not in markdown and "HYPERLINK" not in markdown

    page.get_by_role("link", name="Explain this post").click()
    page.wait_for_url("**/explain?post=4")  # posts are numbered from 1
    page.locator("[data-testid=stCode]").wait_for(timeout=MODEL_LOAD_MS)
    wait_idle(page)
    assert page.locator("[data-testid=stCode]").inner_text().strip() == redact_text(HOSTILE[3]).text
    assert_not_pwned(page)


def test_csv_export_escapes_formula_posts(page: Page, server: str, tmp_path: Path) -> None:
    posts = tmp_path / "formulas.csv"
    pd.DataFrame({"text": HOSTILE}).to_csv(posts, index=False)
    open_score(page, server)
    upload(page, posts)
    page.get_by_text(f"Showing {len(HOSTILE)} of {len(HOSTILE)} posts").wait_for(timeout=120_000)
    download = download_csv(page)
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    texts = [row["text"] for row in rows]
    shown = [redact_text(t).text for t in HOSTILE]  # personal data (the links, an @name) hidden first
    assert texts[5] == "'" + shown[5] and shown[5].startswith("=HYPERLINK(")
    assert texts[6] == escape_cell(shown[6])
    assert texts[0] == HOSTILE[0]
    assert_not_pwned(page)


def test_large_upload_shows_progress_and_pages_of_the_table(page: Page, server: str, tmp_path: Path) -> None:
    sample = pd.read_csv(SAMPLE_POSTS, keep_default_na=False, dtype=str)["text"]
    rows = 40_000  # 200 pages of the table; a few seconds of scoring
    texts = [f"{sample.iloc[i % len(sample)]} #{i}" for i in range(rows)]
    big = tmp_path / "big.csv"
    pd.DataFrame({"id": range(rows), "text": texts}).to_csv(big, index=False)
    open_score(page, server)
    upload(page, big)
    bar = page.locator("[data-testid=stProgress]")
    bar.wait_for(timeout=60_000)
    page.get_by_text(re.compile(r"Scored [\d,]+ of 40,000 posts · [\d,]+ posts/s")).wait_for(timeout=60_000)
    page.get_by_text("Showing posts 1-200 of the 40,000 that match, of 40,000 posts").wait_for(timeout=180_000)
    wait_idle(page)
    assert bar.count() == 0
    assert metric(page, "Posts") == "40,000"
    number = page.get_by_role("textbox", name="Open post")  # by the file's id column (here 0 to 39,999)
    number.fill("12345")
    number.press("Enter")
    code = page.locator("[data-testid=stCode]")
    code.wait_for()
    wait_idle(page)
    assert code.inner_text().strip() == redact_text(texts[12345]).text


def test_label_and_id_pickers_start_afresh_for_a_new_file(page: Page, server: str, tmp_path: Path) -> None:
    """Issue 10, item 6: after the sample posts, an upload without 'label' / 'hate' columns shows '(none)'."""
    from ui.sections.score import numbering, truth

    def shown(key: str) -> str:
        if not keyed(page, key).is_visible():  # in the expander, open when a label column was guessed
            page.get_by_text("Label columns for quick metrics").click()
            wait_idle(page)
        return keyed(page, key).locator("input[role=combobox]").input_value()

    open_score(page, server)
    page.get_by_role("button", name="Use sample posts").click()
    page.get_by_text("Showing posts 1-200 of the 300 that match, of 300 posts").wait_for(timeout=120_000)
    wait_idle(page)
    assert shown(truth.picker_key("toxic")) == "label" and shown(truth.picker_key("hate")) == "hate"
    assert shown(numbering.PICKER) == "id"

    mine = tmp_path / "mine.csv"
    pd.DataFrame({"tweet_id": ["u1", "u2"], "text": ["you idiot", "nice day"], "gold": [1, 0]}).to_csv(
        mine, index=False
    )
    upload(page, mine)
    page.get_by_text("Showing 2 of 2 posts").wait_for(timeout=120_000)
    wait_idle(page)
    if not keyed(page, truth.picker_key("toxic")).is_visible():
        page.get_by_text("Label columns for quick metrics").click()
        wait_idle(page)
    assert shown(truth.picker_key("toxic")) == truth.NO_COLUMN  # the new file has no 'label' column
    assert shown(truth.picker_key("hate")) == truth.NO_COLUMN
    assert shown(numbering.PICKER) == "tweet_id"
    assert page.locator("[data-testid=stException]").count() == 0
