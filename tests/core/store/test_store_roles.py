from __future__ import annotations

import pytest

from core.errors import ModLensError, PermissionDenied
from core.store.roles import Actor, ActorKind, Permission, Role, demo_actor, operator_actor, permissions_of, require


def test_roles_nest_analyst_reviewer_admin() -> None:
    analyst, reviewer, admin = (permissions_of(r) for r in Role)
    assert analyst < reviewer < admin
    assert Permission.REVIEW in reviewer - analyst
    assert {Permission.MANAGE_USERS, Permission.MANAGE_MODELS, Permission.READ_AUDIT} <= admin - reviewer
    assert {Permission.SCORE, Permission.BIAS, Permission.SAVE_BATCH, Permission.CREATE_QUEUE} <= analyst


def test_permission_denied_says_who_what_and_how_to_fix() -> None:
    with pytest.raises(PermissionDenied) as err:
        require(Actor("bob", Role.ANALYST), Permission.REVIEW)
    assert isinstance(err.value, ModLensError)
    assert str(err.value) == (
        "bob is an analyst; claiming and deciding posts needs the reviewer or admin role. "
        "Ask an admin to change your role (python -m core users set-role NAME ROLE)."
    )
    require(Actor("amy", Role.ADMIN), Permission.READ_AUDIT)  # no error


def test_demo_and_operator_actors() -> None:
    demo = demo_actor()
    assert demo.is_demo and demo.role is Role.ADMIN and demo.name == "local-admin"
    operator = operator_actor()
    assert operator.kind is ActorKind.OPERATOR and operator.name.startswith("cli:") and not operator.is_demo
