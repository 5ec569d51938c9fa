"""Account names from e-mail addresses, and audit filters given as plain (naive) UTC times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import ModLensError
from core.store import users
from core.store.audit import AuditFilter, audit_events


def test_an_email_with_a_plus_names_an_oidc_account(db, team) -> None:
    info = users.add_user(db, team["admin"], "ana+mod@example.org", "reviewer", None)
    assert info.name == "ana+mod@example.org"
    actor = users.login_actor(db, "ana+mod@example.org")
    assert actor is not None and actor.name == "ana+mod@example.org" and actor.role.value == "reviewer"


def test_audit_filters_read_naive_times_as_utc(db, team) -> None:
    now = datetime.now(UTC)
    naive = AuditFilter(since=(now - timedelta(hours=1)).replace(tzinfo=None), action="user_add")
    aware = AuditFilter(since=now - timedelta(hours=1), action="user_add")
    assert len(audit_events(db, team["admin"], naive)) == len(audit_events(db, team["admin"], aware)) == 4
    future = AuditFilter(since=(now + timedelta(hours=1)).replace(tzinfo=None))
    assert audit_events(db, team["admin"], future).empty


@pytest.mark.parametrize("name", ["local-admin", "Local-Admin", "anonymous", "ANONYMOUS"])
def test_the_audit_trails_own_actor_names_are_no_accounts(db, team, name: str) -> None:
    """An account 'local-admin' would pass for the demo admin, 'anonymous' for failed sign-ins, in the log."""
    with pytest.raises(ModLensError, match="is reserved"):
        users.add_user(db, team["admin"], name, "admin", "a long password")
    assert name not in [u.name for u in users.list_users(db, team["admin"])]
    assert audit_events(db, team["admin"], AuditFilter(action="user_add", entity_id=name)).empty
