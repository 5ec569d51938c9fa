"""Session-state keys belong to one feature each: checked on the source of ``ui/`` and ``pages/``.

* Only :mod:`ui.state` touches ``st.session_state``.
* Every literal key (a string starting ``modlens.``) is written in exactly one module, its owner.
* A key never travels as another module's constant: state calls and ``key=`` arguments use the
  module's own names, or a key handed in as an argument (how components get theirs).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*(ROOT / "ui").rglob("*.py"), *(ROOT / "pages").rglob("*.py")])
STATE_CALLS = {"get", "put", "pop", "forget"}
PREFIX = "modlens."


def _not_keys(tree: ast.AST) -> set[int]:
    """ids of the string nodes that are not keys: docstrings, and logger names (``getLogger("modlens.ui")``)."""
    found = {
        id(node.args[0])
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "getLogger"
        and node.args
    }
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        for child in body if isinstance(body, list) else []:
            if isinstance(child, ast.Expr) and isinstance(child.value, ast.Constant):
                found.add(id(child.value))
    return found


def key_literals(source: str) -> set[str]:
    """Literal keys written in a module: string constants (docstrings aside) that start with ``modlens.``.

    Namespaces (:class:`ui.state.Keys`) count as keys: the feature that creates one owns all its keys.
    """
    tree = ast.parse(source)
    docs = _not_keys(tree)
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith(PREFIX)
        and node.value != PREFIX
        and id(node) not in docs
    }


def foreign_keys(source: str) -> list[str]:
    """Keys taken from another module: ``other.KEY`` / ``other.key_fn(...)`` or an imported name, used as a key."""
    tree = ast.parse(source)
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    } | {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }

    def foreign(expr: ast.expr) -> bool:
        target = expr.func if isinstance(expr, ast.Call) else expr
        if isinstance(target, ast.Attribute):
            base = target.value
            return isinstance(base, ast.Name) and base.id in imported and base.id != "st"
        return isinstance(target, ast.Name) and target.id in imported

    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        is_state_call = (
            isinstance(func, ast.Attribute)
            and func.attr in STATE_CALLS
            and isinstance(func.value, ast.Name)
            and func.value.id == "state"
        )
        if is_state_call and node.args and foreign(node.args[0]):
            found.append(ast.unparse(node))
        found += [ast.unparse(node) for kw in node.keywords if kw.arg == "key" and foreign(kw.value)]
    return found


def touches_session_state(source: str) -> bool:
    """True when the module reads or writes ``st.session_state`` itself."""
    return any(isinstance(n, ast.Attribute) and n.attr == "session_state" for n in ast.walk(ast.parse(source)))


def test_the_scanner_finds_literals_and_foreign_keys() -> None:
    source = '''
"""Docstring naming modlens.not_a_key."""
import logging
from ui.sections.score import table
log = logging.getLogger("modlens.ui")
from ui import state
KEY = "modlens.mine"
def f(key):
    state.get(table.TABLE)
    state.put(KEY, 1)
    st.text_input("x", key=table.chart_key("a"))
    st.text_input("y", key=key)
'''
    assert key_literals(source) == {"modlens.mine"}
    assert foreign_keys(source) == ["state.get(table.TABLE)", "st.text_input('x', key=table.chart_key('a'))"]
    assert touches_session_state("import streamlit as st\nst.session_state['a'] = 1\n")
    assert not touches_session_state("from ui import state\nstate.put('modlens.a', 1)\n")


def test_only_ui_state_touches_session_state() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in FILES if touches_session_state(p.read_text(encoding="utf-8"))]
    assert offenders == ["ui/state.py"]


def test_every_literal_key_has_one_owner() -> None:
    owners: dict[str, list[str]] = defaultdict(list)
    for path in FILES:
        for key in key_literals(path.read_text(encoding="utf-8")):
            owners[key].append(str(path.relative_to(ROOT)))
    assert len(owners) > 30  # the scan sees the dashboard's keys
    assert {key: where for key, where in owners.items() if len(where) > 1} == {}


def test_pages_and_the_state_module_own_no_keys() -> None:
    for path in [*(ROOT / "pages").glob("*.py"), ROOT / "ui" / "state.py"]:
        assert key_literals(path.read_text(encoding="utf-8")) == set(), path.name


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_uses_another_modules_keys(path: Path) -> None:
    assert foreign_keys(path.read_text(encoding="utf-8")) == []
