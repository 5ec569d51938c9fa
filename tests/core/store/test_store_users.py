from __future__ import annotations

import pytest

from core.errors import ModLensError, PermissionDenied
from core.store import users
from core.store.audit import audit_events
from core.store.roles import Actor, Role, demo_actor, operator_actor


def test_demo_mode_until_the_first_account(db) -> None:
    assert not users.has_users(db)
    assert users.session_actor(db) == demo_actor()
    with pytest.raises(ModLensError, match="The first account must be an admin"):
        users.add_user(db, demo_actor(), "rev", "reviewer", "password-1")
    users.add_user(db, demo_actor(), "boss", "admin", "password-1")
    assert users.has_users(db) and users.session_actor(db) is None
    with pytest.raises(PermissionDenied, match="Accounts exist now"):
        users.list_users(db, demo_actor())


def test_passwords_are_argon2_hashes_and_sign_in_is_audited(db, team) -> None:
    from sqlalchemy import select

    from core.store.schema import User

    with db.read() as session:
        stored = session.scalar(select(User.password_hash).where(User.name == "rev"))
    assert stored.startswith("$argon2id$") and "rev-password" not in stored
    actor = users.authenticate(db, "rev", "rev-password")
    assert actor == Actor("rev", Role.REVIEWER)
    for name, password in (("rev", "wrong-password"), ("nobody", "rev-password")):
        with pytest.raises(ModLensError, match="Wrong user name or password"):
            users.authenticate(db, name, password)
    events = audit_events(db, team["admin"])
    logins = events[events["action"].isin(["login", "login_failed"])]
    assert logins["action"].tolist() == ["login_failed", "login_failed", "login"]
    assert logins["entity_id"].tolist() == ["nobody", "rev", "rev"]


def test_password_rules_and_no_password_accounts(db, team) -> None:
    with pytest.raises(ModLensError, match="too short"):
        users.add_user(db, team["admin"], "shorty", "analyst", "abc")
    users.add_user(db, team["admin"], "sso", "reviewer", None)
    with pytest.raises(ModLensError, match="Wrong user name"):
        users.authenticate(db, "sso", "")
    assert users.login_actor(db, "sso") == Actor("sso", Role.REVIEWER)
    assert users.login_actor(db, "stranger") is None


def test_admins_manage_users_and_others_cannot(db, team) -> None:
    admin, ana = team["admin"], team["ana"]
    with pytest.raises(PermissionDenied, match="ana is an analyst; managing users needs the admin role"):
        users.add_user(db, ana, "new", "analyst", "password-1")
    with pytest.raises(ModLensError, match="already exists"):
        users.add_user(db, admin, "rev", "analyst", "password-1")
    with pytest.raises(ModLensError, match="not a valid user name"):
        users.add_user(db, admin, "bad name", "analyst", "password-1")
    with pytest.raises(ModLensError, match="Unknown role 'boss'"):
        users.set_role(db, admin, "ana", "boss")
    assert users.set_role(db, admin, "ana", "reviewer").role is Role.REVIEWER
    assert [u.name for u in users.list_users(db, admin)] == ["admin", "ana", "rev", "rev2"]


def test_role_changes_and_disabling_take_effect_at_once(db, team) -> None:
    from core.store.audit import AuditFilter

    rev = team["rev"]  # an Actor object made before the change
    users.set_active(db, team["admin"], "rev", False)
    with pytest.raises(PermissionDenied, match="Account 'rev' is disabled"):
        users.list_users(db, rev)
    with pytest.raises(ModLensError, match="Wrong user name or password"):
        users.authenticate(db, "rev", "rev-password")
    users.set_active(db, team["admin"], "rev", True)
    users.set_role(db, team["admin"], "rev", "admin")
    assert len(users.list_users(db, rev)) == 4  # the old Actor says reviewer; the table says admin
    changes = audit_events(db, team["admin"], AuditFilter(entity_type="user", entity_id="rev"))
    assert changes["action"].tolist()[:4] == ["user_set_role", "user_enable", "login_failed", "user_disable"]
    assert changes["after"].iloc[0] == {"role": "admin"} and changes["before"].iloc[0] == {"role": "reviewer"}


def test_the_last_admin_stays(db, team) -> None:
    with pytest.raises(ModLensError, match="last active admin"):
        users.set_role(db, team["admin"], "admin", "analyst")
    with pytest.raises(ModLensError, match="last active admin"):
        users.set_active(db, operator_actor(), "admin", False)


@pytest.mark.parametrize("change", ["set_role", "set_active"])
def test_two_admins_demoting_each_other_at_once_leave_one_admin(db, team, store_url: str, change: str) -> None:
    """Two servers (two connections) each demote the other admin: the second waits and is refused."""
    import threading

    from core.store.db import Database
    from core.store.schema import User

    if not store_url.startswith("postgresql"):
        pytest.skip("SQLite runs one write transaction at a time; the race needs concurrent writers")
    users.add_user(db, operator_actor(), "boss", "admin", "boss-password")
    other = Database(store_url)
    outcome: list[str] = []

    def demote_boss() -> None:
        try:
            if change == "set_role":
                users.set_role(other, operator_actor(), "boss", "analyst")
            else:
                users.set_active(other, operator_actor(), "boss", False)
            outcome.append("done")
        except ModLensError as exc:
            outcome.append(str(exc))

    try:
        with db.write() as session:  # the first admin's change, not yet committed
            users._keep_an_admin(session, "admin")
            row = session.get(User, users._get(session, "admin").id)
            if change == "set_role":
                row.role = "analyst"
            else:
                row.active = False
            session.flush()
            racer = threading.Thread(target=demote_boss)
            racer.start()
            racer.join(timeout=2)  # without a lock it finishes here, counting "admin" as the other admin
        racer.join(timeout=60)
    finally:
        other.close()
    assert len(outcome) == 1 and "last active admin" in outcome[0]
    admins = [u.name for u in users.list_users(db, operator_actor()) if u.role is Role.ADMIN and u.active]
    assert admins == ["boss"]


def test_users_set_their_own_password(db, team) -> None:
    users.set_password(db, team["ana"], "ana", "a-new-password", current_password="ana-password")
    assert users.authenticate(db, "ana", "a-new-password").name == "ana"
    with pytest.raises(PermissionDenied):
        users.set_password(db, team["ana"], "rev", "a-new-password")
    with pytest.raises(ModLensError, match="User 'ghost' does not exist"):
        users.user_actor(db, "ghost")
