"""The review workspace in a real browser against a real server (its own $MODLENS_HOME and database).

A reviewer decides three posts with the keyboard, reloads, signs in again and finds them
decided; an analyst who opens ``/review`` or ``/admin`` by URL is refused.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from core.store import users
from core.store.batches import BatchInput, save_batch
from core.store.connect import close_databases, open_database
from core.store.exports import decision_history
from core.store.queues import QueueRequest
from core.store.roles import operator_actor
from core.store.rules import AllPosts
from tests.browser.conftest import ARTIFACTS, MODEL_LOAD_MS, keyed, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

PASSWORDS = {"rev": "rev-password-1", "ana": "ana-password-1"}
POSTS = ["you are an idiot", "have a nice day", "shut up loser", "thanks for the help", "what a lovely dog"]


def database_url(home: Path) -> str:
    return f"sqlite:///{home / 'modlens.db'}"


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """A data directory with accounts (admin, reviewer, analyst) and a queue of five posts, before the server starts."""
    folder = tmp_path / "modlens-home"
    folder.mkdir()
    db = open_database(database_url(folder))
    operator = operator_actor()
    users.add_user(db, operator, "boss", "admin", "boss-password-1")
    users.add_user(db, operator, "rev", "reviewer", PASSWORDS["rev"])
    users.add_user(db, operator, "ana", "analyst", PASSWORDS["ana"])
    frame = pd.DataFrame({"id": [f"p{i}" for i in range(len(POSTS))], "text": POSTS})
    batch = BatchInput(
        frame=frame,
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
def review_server(model_dir: Path, home: Path) -> Iterator[str]:
    with streamlit_server(model_dir, "streamlit-review-server.log", home=home) as url:
        yield url


def sign_in(page: Page, name: str) -> None:
    """Fill the sign-in form shown on whatever page was opened, and wait for that page."""
    expect(page.get_by_role("heading", name="ModLens")).to_be_visible(timeout=60_000)
    keyed(page, "modlens.signin.name").locator("input").fill(name)
    keyed(page, "modlens.signin.password").locator("input").fill(PASSWORDS[name])
    page.get_by_role("button", name="Sign in").click()
    wait_idle(page)


def shown_post(page: Page) -> str:
    """The id of the post on the workbench."""
    wait_idle(page)
    line = page.get_by_text(re.compile(r"^Post p\d+ \(row \d+ of the batch\)$"))
    expect(line).to_have_count(1, timeout=MODEL_LOAD_MS)
    return line.inner_text().split()[1]


def press(page: Page, key: str, done: Callable[[], bool], *, seconds: float = 30.0) -> None:
    """Press a shortcut key until ``done()`` holds while the app is idle.

    A key pressed while the page is still wiring up its shortcuts can go unseen on a busy
    machine; it is pressed again only when the app is idle and ``done()`` says nothing
    happened (so a decision is never made twice).
    """
    for _ in range(3):
        page.locator("body").press(key)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            wait_idle(page)
            if done():
                return
            page.wait_for_timeout(500)
    raise AssertionError(f"pressing {key!r} had no effect")


def decisions(home: Path) -> pd.DataFrame:
    """Every decision of the queue, oldest first (read as a second process would)."""
    try:
        return decision_history(open_database(database_url(home)), operator_actor(), "inbox")
    finally:
        close_databases()


def has_decisions(home: Path, count: int) -> bool:
    """Whether the queue holds ``count`` decisions."""
    return len(decisions(home)) == count


def test_reviewer_decides_three_posts_with_the_keyboard_and_finds_them_after_a_reload(
    page: Page, review_server: str, home: Path
) -> None:
    page.goto(f"{review_server}/review?queue=inbox")
    sign_in(page, "rev")
    expect(page.get_by_role("heading", name="Review")).to_be_visible(timeout=MODEL_LOAD_MS)
    assert shown_post(page) == "p0"  # the highest score first
    seen = []
    for key in ("x", "a", "e"):  # remove, approve, escalate
        seen.append(shown_post(page))
        press(page, key, functools.partial(has_decisions, home, len(seen)))
    assert seen == ["p0", "p1", "p2"]
    assert shown_post(page) == "p3"
    page.screenshot(path=str(ARTIFACTS / "review-page.png"), full_page=False)

    page.reload()
    sign_in(page, "rev")  # a reload is a new session: local accounts sign in again, on the same page
    assert shown_post(page) == "p3"  # still claimed by this reviewer
    for n, (post, action) in enumerate(zip(reversed(seen), ("escalate", "approve", "remove"), strict=True)):
        caption = page.get_by_text(f"Showing decided post {3 - n} of 3.")
        press(page, "ArrowLeft", lambda caption=caption: caption.count() == 1)  # previous: newest first
        assert shown_post(page) == post
        expect(page.get_by_text(f"You decided {action}")).to_be_visible()

    history = decisions(home)
    assert history["id"].tolist() == seen
    assert history["action"].tolist() == ["remove", "approve", "escalate"]
    assert set(history["reviewer"]) == {"rev"} and history["seconds_spent"].notna().all()


def test_an_analyst_cannot_open_review_decisions_or_the_admin_page_by_url(page: Page, review_server: str) -> None:
    page.goto(f"{review_server}/review?queue=inbox")
    sign_in(page, "ana")
    expect(page.get_by_role("heading", name="Not available")).to_be_visible(timeout=MODEL_LOAD_MS)
    expect(page.get_by_text("ana is an analyst")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_text(re.compile(r"^Post p\d+"))).to_have_count(0)
    page.goto(f"{review_server}/admin")
    sign_in(page, "ana")
    expect(page.get_by_role("heading", name="Not available")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("managing users needs the admin role")).to_be_visible()
    expect(page.get_by_role("tab", name="Audit log")).to_have_count(0)
    nav = page.locator("[data-testid=stSidebarNav]")
    expect(nav.get_by_text("Review", exact=True)).to_have_count(0)
    expect(nav.get_by_text("Admin", exact=True)).to_have_count(0)
