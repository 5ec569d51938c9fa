"""Accounts: OIDC e-mails match their account whatever the case; no-op changes record no audit event."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.errors import ModLensError
from core.store import users
from core.store.audit import audit_events
from core.store.roles import Actor, Role
from core.store.schema import User


def test_oidc_e_mails_match_their_account_whatever_the_case(db, team) -> None:
    users.add_user(db, team["admin"], "alice@org.com", "reviewer", None)
    assert users.login_actor(db, "Alice@Org.com") == Actor("alice@org.com", Role.REVIEWER)
    assert users.login_actor(db, "ALICE@ORG.COM") == Actor("alice@org.com", Role.REVIEWER)
    users.add_user(db, team["admin"], "Bob.Smith@Example.org", "analyst", None)
    assert users.login_actor(db, "bob.smith@example.org") == Actor("Bob.Smith@Example.org", Role.ANALYST)
    logins = audit_events(db, team["admin"]).query("action == 'login'")
    assert sorted(logins["entity_id"]) == ["Bob.Smith@Example.org", "alice@org.com", "alice@org.com"]
    assert users.login_actor(db, "alice@org.net") is None
    users.set_active(db, team["admin"], "alice@org.com", False)
    with pytest.raises(users.AccountDisabled, match="disabled"):
        users.login_actor(db, "ALICE@org.com")


def test_local_names_stay_exact_for_oidc(db, team) -> None:
    assert users.login_actor(db, "REV") is None  # not an e-mail: no case folding


def test_names_differing_only_in_case_cannot_both_be_added(db, team) -> None:
    users.add_user(db, team["admin"], "alice@org.com", "reviewer", None)
    for name in ("Alice@Org.com", "ALICE@ORG.COM"):
        with pytest.raises(ModLensError, match="already exists"):
            users.add_user(db, team["admin"], name, "reviewer", None)
    with pytest.raises(ModLensError, match="already exists"):
        users.add_user(db, team["admin"], "Rev", "reviewer", "rev-password")
    assert [u.name for u in users.list_users(db, team["admin"])].count("alice@org.com") == 1


def test_existing_accounts_differing_in_case_keep_working(db, team) -> None:
    with db.write() as session:  # written before add_user refused them
        session.add(User(name="Carol@Org.com", role="analyst", active=True, password_hash=None))
        session.add(User(name="carol@org.com", role="reviewer", active=True, password_hash=None))
    assert users.login_actor(db, "carol@org.com") == Actor("carol@org.com", Role.REVIEWER)  # the exact name first
    assert users.login_actor(db, "Carol@Org.com") == Actor("Carol@Org.com", Role.ANALYST)
    with pytest.raises(ModLensError, match="differ only in case"):
        users.login_actor(db, "CAROL@ORG.COM")
    users.set_active(db, team["admin"], "Carol@Org.com", False)  # what the error says to do
    assert users.login_actor(db, "CAROL@ORG.COM") == Actor("carol@org.com", Role.REVIEWER)
    with db.read() as session:
        assert len(session.scalars(select(User).where(User.name.ilike("carol@org.com"))).all()) == 2


def _changes(db, admin) -> list[str]:
    events = audit_events(db, admin)
    return events.loc[events["action"].isin(["user_enable", "user_disable", "user_set_role"]), "action"].tolist()


def test_no_op_changes_record_nothing_and_say_so(db, team) -> None:
    admin = team["admin"]
    info = users.set_active(db, admin, "rev", True)
    assert info.active and not info.changed
    info = users.set_role(db, admin, "rev", "reviewer")
    assert info.role is Role.REVIEWER and not info.changed
    assert _changes(db, admin) == []
    assert users.set_active(db, admin, "rev", False).changed
    info = users.set_active(db, admin, "rev", False)
    assert not info.active and not info.changed
    assert users.set_role(db, admin, "rev", Role.ANALYST).changed
    assert not users.set_role(db, admin, "rev", Role.ANALYST).changed
    assert sorted(_changes(db, admin)) == ["user_disable", "user_set_role"]


def test_admin_changes_find_the_account_whatever_the_case(db, team) -> None:
    admin = team["admin"]
    users.add_user(db, admin, "Dana", "analyst", "dana-password-1")
    info = users.set_role(db, admin, "dana", "reviewer")
    assert (info.name, info.role, info.changed) == ("Dana", Role.REVIEWER, True)
    assert not users.set_active(db, admin, "DANA", False).active
    users.set_active(db, admin, "Dana", True)
    users.set_password(db, admin, "dANA", "dana-password-2")
    assert users.password_sign_in(db, "Dana", "dana-password-2").actor == Actor("Dana", Role.REVIEWER)
    events = audit_events(db, admin)
    changes = events[events["action"].isin(["user_set_role", "user_disable", "user_enable", "user_set_password"])]
    assert set(changes["entity_id"]) == {"Dana"}  # the stored name, not the spelling typed
    with pytest.raises(ModLensError, match="'Danna' does not exist"):
        users.set_role(db, admin, "Danna", "analyst")


def test_the_last_admin_stays_whatever_the_case_typed(db, team) -> None:
    admins = [u.name for u in users.list_users(db, team["admin"]) if u.role is Role.ADMIN and u.active]
    assert admins == [team["admin"].name]
    with pytest.raises(ModLensError, match="admin"):
        users.set_role(db, team["admin"], team["admin"].name.upper(), "analyst")


def test_names_differing_only_in_case_need_the_exact_spelling_for_changes(db, team) -> None:
    with db.write() as session:  # written before add_user refused them
        session.add(User(name="Eve", role="analyst", active=True, password_hash=None))
        session.add(User(name="eve", role="reviewer", active=True, password_hash=None))
    with pytest.raises(ModLensError, match="'EVE' does not exist"):
        users.set_role(db, team["admin"], "EVE", "admin")
    assert users.set_role(db, team["admin"], "eve", "analyst").name == "eve"


def test_the_command_lines_as_user_finds_the_account_whatever_the_case(db, team) -> None:
    assert users.user_actor(db, "REV") == Actor("rev", Role.REVIEWER)
    users.set_active(db, team["admin"], "rev", False)
    with pytest.raises(ModLensError, match="'Rev' is disabled"):
        users.user_actor(db, "Rev")
    with pytest.raises(ModLensError, match="'Revv' does not exist"):
        users.user_actor(db, "Revv")
