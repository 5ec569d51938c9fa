"""The Model page in a real browser against a real server: start a real training, watch it, cancel it.

The server gets its own registry ($MODLENS_HOME in a temporary folder), so the test
can check that a cancelled training leaves no version behind.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from core.registry import ModelRegistry
from tests.browser.conftest import ARTIFACTS, ROOT, streamlit_server
from tests.conftest import tiny_corpus

pytestmark = pytest.mark.browser

TRAIN = ".st-key-modlens-model-train"
"""Prefix of the element classes of the training form (``st-key-`` + widget key with dots as dashes)."""
START_MS = 120_000
"""Until the first progress report: TensorFlow import, data preparation and vectorizer on a busy machine."""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "modlens-home"


@pytest.fixture
def model_server(home: Path) -> Iterator[str]:
    """A server of its own, scoring with its registry's active version (no $MODLENS_MODEL)."""
    with streamlit_server(None, "streamlit-model-server.log", home=home) as url:
        yield url


def fill_number(page: Page, key: str, value: int) -> None:
    """Type into the number input with widget key ``modlens.model.train.<key>`` and commit it."""
    box = page.locator(f"{TRAIN}-{key} input")
    box.fill(str(value))
    box.press("Enter")
    expect(box).to_have_value(str(value))


def test_train_watch_progress_and_cancel(page: Page, model_server: str, home: Path, tmp_path: Path) -> None:
    texts, labels = tiny_corpus(400)
    data = tmp_path / "team labels.csv"
    pd.DataFrame({"text": texts, "toxic": labels[:, 0], "hate": labels[:, 1]}).to_csv(data, index=False)

    page.goto(f"{model_server}/model")
    expect(page.get_by_role("heading", name="Model", exact=True)).to_be_visible(timeout=60_000)
    page.get_by_role("tab", name="Train").click()
    page.locator(f"{TRAIN}-upload [data-testid=stFileUploaderDropzoneInput]").set_input_files(str(data))
    # the labels were read (columns found by name)
    expect(page.get_by_text("Read as labels").first).to_be_visible(timeout=30_000)
    # a tiny network, but long enough to watch and cancel: many epochs and no early stop
    fill_number(page, "default-epochs", 200)
    page.get_by_text("More settings").click()
    fill_number(page, "default-patience", 200)
    fill_number(page, "default-lstm_units", 4)
    fill_number(page, "default-embedding_dim", 8)
    fill_number(page, "default-vocab", 500)
    fill_number(page, "default-sequence_length", 20)

    start = page.locator(f"{TRAIN}-start button")
    expect(start).to_be_enabled()
    start.click()
    progress = page.get_by_text(re.compile(r"Epoch (?:[2-9]|\d\d+) of 200 · batch"))
    expect(progress).to_be_visible(timeout=START_MS)  # live progress, refreshed by the page itself
    expect(page.get_by_text("Validation AUC", exact=True)).to_be_visible()
    # live loss and AUC curves; while the page redraws itself, streamlit can briefly hold the old chart beside the new
    chart = page.locator(f"{TRAIN}-live_chart [data-testid=stPlotlyChart]").first
    expect(chart).to_be_visible()
    expect(page.get_by_text(re.compile(r"Epoch (?:[6-9]|\d\d+) of 200 · batch"))).to_be_visible(timeout=30_000)
    page.get_by_role("heading", name="Model", exact=True).scroll_into_view_if_needed()  # a few epochs of curves
    page.screenshot(path=str(ARTIFACTS / "model-page.png"), full_page=False)
    if os.environ.get("MODLENS_UPDATE_DOCS") == "1":
        shutil.copyfile(ARTIFACTS / "model-page.png", ROOT / "docs" / "model-page.png")

    # a button with help text holds its <button> twice (the tooltip target, then a hidden copy): click the first
    page.locator(f"{TRAIN}-cancel button").first.click()
    expect(page.get_by_text(re.compile(r"Training my-model cancelled by local-admin after \d+ s"))).to_be_visible(
        timeout=60_000
    )
    expect(page.get_by_text("No version was saved", exact=False)).to_be_visible()
    expect(page.locator(f"{TRAIN}-cancel")).to_have_count(0)
    expect(page.locator(f"{TRAIN}-start button")).to_be_enabled()  # another training may start
    assert [v.version for v in ModelRegistry(root=home / "models").list()] == [0]
    assert not list((home / "models").glob("versions/v*"))
