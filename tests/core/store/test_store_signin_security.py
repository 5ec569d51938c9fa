"""Sign-in hardening in the store: failed sign-ins lock a name, equal timing, odd names, own password changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import ModLensError, PermissionDenied
from core.store import passwords, signin_limits, users
from core.store.audit import AuditFilter, audit_events


class Clock:
    """A clock the test moves by hand (the store's ``utcnow``): no test waits for real time to pass."""

    def __init__(self) -> None:
        self.now = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The store's time, under the test's control (audit events and the lock both read it)."""
    import core.store.audit
    import core.store.signin_limits

    fixed = Clock()
    monkeypatch.setattr(core.store.audit, "utcnow", fixed)
    monkeypatch.setattr(users, "utcnow", fixed)
    monkeypatch.setattr(core.store.signin_limits, "utcnow", fixed)
    return fixed


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The passwords the store checked (each check is an Argon2 hash), in order."""
    seen: list[str] = []
    original = users.verify_password

    def counting(stored_hash: str | None, password: str) -> bool:
        seen.append(password)
        return original(stored_hash, password)

    monkeypatch.setattr(users, "verify_password", counting)
    return seen


def fail(db, name: str, times: int) -> None:
    """``times`` wrong passwords for ``name``."""
    for i in range(times):
        with pytest.raises(ModLensError, match="Wrong user name or password"):
            users.authenticate(db, name, f"wrong-guess-{i}")


def failures(db, actor, name: str) -> list[dict | None]:
    """The ``after`` of the ``login_failed`` events of ``name``, oldest first."""
    events = audit_events(db, actor, AuditFilter(action="login_failed", entity_type="user", entity_id=name))
    return events["after"].tolist()[::-1]


def test_failed_sign_ins_lock_the_name_before_any_password_check(db, team, clock, checks) -> None:
    fail(db, "ana", users.FAILURE_LIMIT)
    checked = len(checks)
    with pytest.raises(users.SignInLocked) as refused:
        users.authenticate(db, "ana", "ana-password")  # even the right password
    assert str(refused.value) == (
        "Too many failed sign-ins for ana; try again in 1 minute (or ask an admin to reset the password)."
    )
    clock.advance(seconds=30)
    with pytest.raises(users.SignInLocked, match="try again in 1 minute"):
        users.authenticate(db, "ana", "ana-password")
    assert len(checks) == checked  # refused before hashing
    clock.advance(seconds=61)
    assert users.authenticate(db, "ana", "ana-password").name == "ana"
    assert failures(db, team["admin"], "ana") == [None] * users.FAILURE_LIMIT + [{"reason": "locked"}] * 2


def test_the_lock_grows_with_each_failure_and_its_memory_fades(db, team, clock) -> None:
    fail(db, "rev", users.FAILURE_LIMIT)
    clock.advance(seconds=61)
    fail(db, "rev", 1)
    with pytest.raises(users.SignInLocked, match="try again in 2 minutes"):
        users.authenticate(db, "rev", "rev-password")
    clock.advance(seconds=121)
    fail(db, "rev", 1)
    with pytest.raises(users.SignInLocked, match="try again in 4 minutes"):
        users.authenticate(db, "rev", "rev-password")
    assert signin_limits.failure_lock(100) == signin_limits.LONGEST_LOCK
    clock.advance(seconds=signin_limits.FAILURE_MEMORY.total_seconds() + 1)  # old failures no longer count
    assert users.authenticate(db, "rev", "rev-password").name == "rev"


def test_the_lock_is_per_name_and_unknown_names_lock_alike(db, team, clock) -> None:
    fail(db, "nobody", users.FAILURE_LIMIT)
    with pytest.raises(users.SignInLocked, match="for nobody"):  # no hint that the account does not exist
        users.authenticate(db, "nobody", "whatever-password")
    fail(db, "ana", users.FAILURE_LIMIT - 1)
    assert users.authenticate(db, "ana", "ana-password").name == "ana"  # another name's failures do not count
    fail(db, "ana", users.FAILURE_LIMIT - 1)  # the sign-in started ana's count again
    assert users.authenticate(db, "ana", "ana-password").name == "ana"


def test_an_admin_password_reset_lifts_the_lock(db, team, clock) -> None:
    fail(db, "ana", users.FAILURE_LIMIT)
    with pytest.raises(users.SignInLocked):
        users.authenticate(db, "ana", "ana-password")
    users.set_password(db, team["admin"], "ana", "reset-by-admin")
    assert users.authenticate(db, "ana", "reset-by-admin").name == "ana"


def test_a_password_less_account_costs_a_hash_like_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    hashed: list[str] = []
    hasher = passwords._hasher()

    class Counting:
        def verify(self, stored_hash: str, password: str) -> bool:
            hashed.append(stored_hash)
            return hasher.verify(stored_hash, password)

        def hash(self, password: str) -> str:
            return hasher.hash(password)

    monkeypatch.setattr(passwords, "_hasher", lambda: Counting())
    monkeypatch.setattr(passwords, "dummy_hash", lambda: hasher.hash("modlens-no-such-user"))
    assert passwords.verify_password(None, "modlens-no-such-user") is False
    assert passwords.verify_password("", "some-password") is False
    assert len(hashed) == 2  # both checked against the dummy hash, as long as a real check takes


def test_a_password_less_account_is_checked_as_long_as_others_in_sign_in(
    db, team, monkeypatch: pytest.MonkeyPatch
) -> None:
    users.add_user(db, team["admin"], "carol@example.org", "reviewer", None)  # signs in through OIDC only
    hasher = passwords._hasher()
    checked: list[str] = []

    class Counting:
        def verify(self, stored_hash: str, password: str) -> bool:
            checked.append(stored_hash)
            return hasher.verify(stored_hash, password)

        def hash(self, password: str) -> str:  # dummy_hash() may not be cached yet in this process
            return hasher.hash(password)

    monkeypatch.setattr(passwords, "_hasher", lambda: Counting())
    with pytest.raises(ModLensError, match="Wrong user name or password"):
        users.authenticate(db, "carol@example.org", "wrong-password")
    assert checked == [passwords.dummy_hash()]


@pytest.mark.parametrize("name", ["ana\x00", "\x00", "ana\n", "a" * 65, "bad name", ""])
def test_a_name_no_account_can_have_is_a_failed_sign_in(db, team, checks, name: str) -> None:
    with pytest.raises(ModLensError, match="Wrong user name or password"):
        users.authenticate(db, name, "ana-password")
    assert checks == []  # no look-up, no password check
    events = audit_events(db, team["admin"], AuditFilter(action="login_failed"))
    assert len(events) == 1 and events["after"].iloc[0] == {"reason": "invalid"}
    recorded = events["entity_id"].iloc[0]
    assert recorded is None or ("\x00" not in recorded and len(recorded) <= 64)
    if name == "ana\x00":
        assert recorded == "ana\ufffd"


def test_changing_ones_own_password_needs_the_current_one(db, team, clock) -> None:
    ana = team["ana"]
    with pytest.raises(ModLensError, match="type your current password too"):
        users.set_password(db, ana, "ana", "new-password-1")
    with pytest.raises(ModLensError, match="current password is wrong"):
        users.set_password(db, ana, "ana", "new-password-1", current_password="not-it")
    assert users.authenticate(db, "ana", "ana-password").name == "ana"  # unchanged
    stamp = users.set_password(db, ana, "ana", "new-password-1", current_password="ana-password")
    assert stamp == users.user_account(db, "ana").stamp and len(stamp) == 64
    assert users.authenticate(db, "ana", "new-password-1").name == "ana"
    users.set_password(db, team["admin"], "ana", "reset-by-admin")  # admins reset others without it
    with pytest.raises(PermissionDenied):
        users.set_password(db, ana, "rev", "new-password-2", current_password="reset-by-admin")


def test_guessing_the_current_password_is_limited_like_sign_ins(db, team, clock, checks) -> None:
    for i in range(users.FAILURE_LIMIT):
        with pytest.raises(ModLensError, match="current password is wrong"):
            users.set_password(db, team["ana"], "ana", "new-password-1", current_password=f"guess-{i}")
    checked = len(checks)
    with pytest.raises(users.SignInLocked, match="Too many failed sign-ins for ana"):
        users.set_password(db, team["ana"], "ana", "new-password-1", current_password="ana-password")
    with pytest.raises(users.SignInLocked):
        users.authenticate(db, "ana", "ana-password")
    assert len(checks) == checked


def test_the_password_stamp_changes_with_the_password_and_hides_the_hash(db, team) -> None:
    from sqlalchemy import select

    from core.store.schema import User

    before = users.password_sign_in(db, "ana", "ana-password").stamp
    with db.read() as session:
        stored = session.scalar(select(User.password_hash).where(User.name == "ana"))
    assert before == users.user_account(db, "ana").stamp and stored not in before
    users.set_password(db, team["admin"], "ana", "reset-by-admin")
    assert users.user_account(db, "ana").stamp != before


def test_a_disabled_oidc_account_is_told_apart_from_a_missing_one(db, team) -> None:
    users.add_user(db, team["admin"], "carol@example.org", "reviewer", None)
    users.set_active(db, team["admin"], "carol@example.org", False)
    with pytest.raises(users.AccountDisabled, match=r"disabled\. Ask an admin to enable it"):
        users.login_actor(db, "carol@example.org")
    assert users.login_actor(db, "dave@example.org") is None
    assert users.login_actor(db, "dave@example.org\x00") is None


def test_a_name_typed_in_another_case_signs_in_and_shares_the_lock(db, team, clock) -> None:
    assert users.authenticate(db, "Ana", "ana-password").name == "ana"  # a phone capitalised the first letter
    for spelling in ("ANA", "aNa", "anA", "Ana", "AnA"):  # every spelling counts towards the same lock
        fail(db, spelling, 1)
    with pytest.raises(users.SignInLocked, match="for ANA;"):  # the message names the spelling typed
        users.authenticate(db, "ANA", "ana-password")
    with pytest.raises(users.SignInLocked):
        users.authenticate(db, "ana", "ana-password")
    assert failures(db, team["admin"], "ana")[:5] == [None] * users.FAILURE_LIMIT
