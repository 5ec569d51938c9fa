"""Deferred downloads in a real browser: a signed-in admin downloads the audit log and a queue's decisions.

Streamlit makes these files when the button is clicked, in a worker thread outside the
script run, where the session (who is signed in) cannot be read; the file must still come.
The downloads need no model: ``$MODLENS_MODEL`` names a folder that does not exist, so the
server never loads TensorFlow (the Review page says so and still offers the export).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import Locator, Page, expect

from core.store import users
from core.store.batches import BatchInput, save_batch
from core.store.connect import close_databases, open_database
from core.store.queues import QueueRequest
from core.store.roles import operator_actor
from core.store.rules import AllPosts
from tests.browser.conftest import ARTIFACTS, IDLE_MS, keyed, streamlit_server, wait_idle
from ui.sections.review import export as review_export
from ui.sections.review import queue_picker
from ui.sections.signin import form

pytestmark = pytest.mark.browser

PASSWORD = "boss-password-1"
POSTS = ["you are an idiot", "have a nice day", "shut up loser"]
DOWNLOAD_MS = 120_000
"""How long a click may take to deliver its file on a busy machine."""


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """A data directory with an admin account and a queue of three posts, before the server starts."""
    folder = tmp_path / "modlens-home"
    folder.mkdir()
    db = open_database(f"sqlite:///{folder / 'modlens.db'}")
    operator = operator_actor()
    users.add_user(db, operator, "boss", "admin", PASSWORD)
    batch = BatchInput(
        frame=pd.DataFrame({"id": [f"p{i}" for i in range(len(POSTS))], "text": POSTS}),
        text_col="text",
        scores=np.array([[0.9 - 0.2 * i, 0.1] for i in range(len(POSTS))]),
        labels=("toxic", "hate"),
        thresholds={"toxic": 0.5, "hate": 0.5},
        model_version="v0 browser-test",
        id_col="id",
    )
    save_batch(db, operator, batch, queue=QueueRequest("inbox", AllPosts()))
    close_databases()
    yield folder
    close_databases()


@pytest.fixture
def download_server(home: Path, tmp_path: Path) -> Iterator[str]:
    with streamlit_server(tmp_path / "no-model", "streamlit-downloads-server.log", home=home) as url:
        yield url


def download(page: Page, button: Locator, name: str) -> pd.DataFrame:
    """Click a download button and read the CSV file it delivers."""
    expect(button).to_be_enabled(timeout=IDLE_MS)
    with page.expect_download(timeout=DOWNLOAD_MS) as info:
        button.click()
    file = info.value
    assert file.suggested_filename == name
    path = file.path()
    page.screenshot(path=str(ARTIFACTS / f"download-{name}.png"))
    return pd.read_csv(path)


def test_a_signed_in_admin_downloads_the_audit_log_and_the_decisions(page: Page, download_server: str) -> None:
    page.set_default_timeout(IDLE_MS)
    page.goto(f"{download_server}/admin")
    expect(page.get_by_role("heading", name="ModLens")).to_be_visible(timeout=IDLE_MS)
    keyed(page, form.KEYS("name")).locator("input").fill("boss")
    keyed(page, form.KEYS("password")).locator("input").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Admin")).to_be_visible(timeout=IDLE_MS)

    page.get_by_role("tab", name="Audit log").click()
    wait_idle(page)
    panel = page.get_by_role("tabpanel", name="Audit log")
    events = download(page, panel.get_by_role("button", name="Download CSV"), "modlens-audit.csv")
    assert "login" in set(events["action"]) and "boss" in set(events["actor"])

    page.locator("[data-testid=stSidebarNav]").get_by_text("Review", exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Review")).to_be_visible(timeout=IDLE_MS)
    view = keyed(page, queue_picker.VIEW).get_by_role("radio", name=queue_picker.EXPORT)
    view.click()
    wait_idle(page)
    expect(view).to_have_attribute("aria-checked", "true")
    button = keyed(page, review_export.KEYS("csv")).get_by_role("button", name="Download CSV")
    decisions = download(page, button, "inbox.decisions.csv")
    assert sorted(decisions["id"]) == ["p0", "p1", "p2"]
