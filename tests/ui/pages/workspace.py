"""Helpers of the review-workspace AppTests: sign in, make a saved batch with a queue, read the audit log."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from core.store.audit import AuditFilter, audit_events
from core.store.batches import save_batch
from core.store.connect import open_database
from core.store.queues import QueueRequest
from core.store.roles import operator_actor
from core.store.rules import AllPosts
from tests.db_fixtures import batch_input
from tests.ui.conftest import APP, PASSWORDS, TIMEOUT
from ui.components import safe_text
from ui.sections.signin import form


def signed_in(name: str, password: str | None = None) -> AppTest:
    """A new session (like a new tab or a reload) signed in as ``name``, on the Home page."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert at.title[0].value == "ModLens", "not the sign-in page"
    at.text_input(key=form.KEYS("name")).set_value(name)
    at.text_input(key=form.KEYS("password")).set_value(password if password is not None else PASSWORDS[name])
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    if any("Wrong user name or password" in e for e in texts(at, "error")):
        return at
    return at.switch_page("pages/home.py").run()


def queue_of(n: int = 8, name: str = "q1", reviews_required: int = 1) -> str:
    """A saved batch of ``n`` posts (toxic score i/n; ids p0..; authors a0..a3) with every post in queue ``name``."""
    save_batch(
        open_database(), operator_actor(), batch_input(n), queue=QueueRequest(name, AllPosts(), reviews_required)
    )
    return name


def events(action: str | None = None) -> pd.DataFrame:
    """The audit log (newest first), of one action when given."""
    return audit_events(open_database(), operator_actor(), AuditFilter(action=action))


def texts(at: AppTest, kind: str) -> list[str]:
    """Visible text of every element of ``kind`` (``error``, ``info``, ``success``, ``caption``, ...)."""
    return [safe_text.visible_text(e.value) for e in getattr(at, kind)]


def buttons(at: AppTest) -> list[str]:
    """Labels of the page's buttons."""
    return [b.label for b in at.button]
