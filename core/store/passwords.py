"""Password hashing with Argon2id (argon2-cffi), and the password rules."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.errors import ModLensError

MIN_LENGTH = 8
MAX_LENGTH = 1024


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2-cffi's defaults follow RFC 9106's recommendations


def check_password_rules(password: str) -> None:
    """Raise :class:`~core.errors.ModLensError` for a password too short or too long."""
    if len(password) < MIN_LENGTH:
        raise ModLensError(f"The password is too short: use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise ModLensError(f"The password is too long: use at most {MAX_LENGTH} characters.")


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (salted; the parameters are stored in the hash)."""
    check_password_rules(password)
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash`` (False for an account without a password).

    An account without a password is checked against :func:`dummy_hash` all the same, so that
    the time taken does not tell such (OIDC-only) accounts apart from the others.
    """
    if not stored_hash:
        _verify(dummy_hash(), password)
        return False
    return _verify(stored_hash, password)


def _verify(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher().check_needs_rehash(stored_hash)


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A hash to verify against for unknown users, so their logins take as long as real ones."""
    return _hasher().hash("modlens-no-such-user")
