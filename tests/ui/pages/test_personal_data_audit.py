"""AppTest: turning redaction off for an upload is recorded in the audit log, once, before anything is shown."""

from __future__ import annotations

from core.store.audit import AuditFilter, audit_events
from core.store.connect import open_database
from core.store.roles import operator_actor
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.apptest import results_table
from tests.ui.pages.test_personal_data import EMAIL, signed_in_scored
from ui.sections.score import privacy as score_privacy
from ui.services import session


def _reveals() -> list[tuple[str, str]]:
    events = audit_events(open_database(), operator_actor(), AuditFilter(action="personal_data_reveal"))
    return list(zip(events["actor"], events["entity_id"], strict=True))


def test_showing_personal_data_is_audited_once(fake_model: KeywordModel, team: dict[str, str]) -> None:
    at = signed_in_scored("boss")
    content_hash = at.session_state[session.RESULT].posts.content_hash
    assert _reveals() == []
    at.toggle(key=score_privacy.SWITCH(content_hash)).set_value(True).run()
    assert not at.exception
    assert results_table(at)["text"].iloc[0] == f"you idiot, mail me at {EMAIL} now"
    at.run()
    assert _reveals() == [("boss", content_hash)]
