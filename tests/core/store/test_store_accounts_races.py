"""Two account additions at the same moment (two servers): the second sees the first (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from core.errors import ModLensError
from core.store import users
from core.store.db import Database
from core.store.roles import demo_actor, operator_actor
from tests.db_fixtures import racing


@pytest.mark.parametrize(
    ("first", "second", "refusal"),
    [
        (("demo", "boss"), ("demo", "mallory"), "demo admin is switched off"),  # demo mode: one first admin only
        (("operator", "carol"), ("operator", "carol"), "already exists"),  # the same name twice
    ],
)
def test_the_second_of_two_simultaneous_additions_is_refused_with_a_message(
    db, store_url: str, monkeypatch: pytest.MonkeyPatch, first: tuple, second: tuple, refusal: str
) -> None:
    actors = {"demo": demo_actor(), "operator": operator_actor()}
    other = Database(store_url)
    try:
        with racing(
            monkeypatch, users, lambda: users.add_user(other, actors[second[0]], second[1], "admin", "a long password")
        ) as outcome:
            users.add_user(db, actors[first[0]], first[1], "admin", "a long password")
    finally:
        other.close()
    assert len(outcome) == 1 and isinstance(outcome[0], ModLensError), outcome
    assert refusal in str(outcome[0])
    assert [u.name for u in users.list_users(db, operator_actor())] == [first[1]]
