"""AppTest: the audit log's and the Review page's downloads work for a signed-in user.

Streamlit makes a deferred download (``download_button(data=callable)``) when the button is
clicked, in a worker thread outside the script run, where ``st.session_state`` cannot be read.
These tests record each callable the page registers and run it as Streamlit does: in a fresh
thread. A callable that looks up the signed-in user then finds nobody ("Sign in first").
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from core.errors import PermissionDenied
from core.store import users
from core.store.connect import open_database
from core.store.roles import operator_actor
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.workspace import queue_of, signed_in, texts
from ui.sections.admin import audit
from ui.sections.review import queue_picker

Made = dict[str, Callable[[], object]]


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> Made:
    """File name -> the data callable of each deferred download the app registers (the latest one wins)."""
    made: Made = {}
    register = MediaFileManager.add_deferred

    def record(
        self: MediaFileManager,
        data_callable: Callable[[], object],
        mimetype: str | None,
        coordinates: str,
        file_name: str | None = None,
        **kwargs: object,
    ) -> str:
        made[file_name or coordinates] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return made


def click(made: Made, file_name: str) -> bytes:
    """Run the download's callable as Streamlit does on a click: in another thread, without the script's context."""
    result: dict[str, object] = {}

    def work() -> None:
        try:
            result["data"] = made[file_name]()
        except Exception as exc:  # reported to the test below
            result["error"] = exc

    thread = threading.Thread(target=work, name="deferred-download")
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), f"the download of {file_name} did not finish"
    assert "error" not in result, f"the download of {file_name} failed: {result.get('error')!r}"
    data = result["data"]
    assert isinstance(data, bytes)
    return data


def test_admin_downloads_the_audit_log(fake_model: KeywordModel, team, deferred: Made) -> None:
    at = signed_in("boss")
    at.switch_page("pages/admin.py").run()
    assert not at.exception and at.title[0].value == "Admin"
    csv = pd.read_csv(io.BytesIO(click(deferred, "modlens-audit.csv")))
    assert "login" in set(csv["action"]) and "boss" in set(csv["actor"])
    parquet = pd.read_parquet(io.BytesIO(click(deferred, "modlens-audit.parquet")))
    assert len(parquet) == len(csv)
    at.selectbox(key=audit.KEYS("action")).set_value("login").run()  # the filter applies to the file
    assert set(pd.read_csv(io.BytesIO(click(deferred, "modlens-audit.csv")))["action"]) == {"login"}


def test_reviewer_downloads_the_decisions(fake_model: KeywordModel, team, deferred: Made) -> None:
    queue_of(4)
    at = signed_in("rev")
    at.switch_page("pages/review.py").run()
    at.segmented_control(key=queue_picker.VIEW).set_value(queue_picker.EXPORT).run()
    assert not at.exception and not texts(at, "error")
    csv = pd.read_csv(io.BytesIO(click(deferred, "q1.decisions.csv")))
    assert sorted(csv["id"]) == ["p0", "p1", "p2", "p3"]
    parquet = pd.read_parquet(io.BytesIO(click(deferred, "q1.decisions.parquet")))
    assert sorted(parquet["id"]) == ["p0", "p1", "p2", "p3"]


def test_a_download_after_the_account_is_disabled_is_refused(fake_model: KeywordModel, team, deferred: Made) -> None:
    """The callable keeps the actor of the run, and the store checks that account again when it runs."""
    at = signed_in("boss")
    at.switch_page("pages/admin.py").run()
    assert not at.exception
    users.add_user(open_database(), operator_actor(), "boss2", "admin", "boss2-password")
    users.set_active(open_database(), operator_actor(), "boss", False)
    with pytest.raises(PermissionDenied, match="disabled"):
        deferred["modlens-audit.csv"]()
