"""Session-state primitives: get / put / pop / forget and key namespaces, in a real script run."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import TIMEOUT
from ui.state import Keys


def test_keys_join_parts_under_their_prefix() -> None:
    keys = Keys("modlens.model.train")
    assert keys("upload") == "modlens.model.train.upload"
    assert keys("abc", "column", "toxic") == "modlens.model.train.abc.column.toxic"
    with pytest.raises(ValueError, match="modlens"):
        Keys("train")


def _script() -> None:
    from ui import state

    keys = state.Keys("modlens.demo")
    state.put(keys("a"), 1)
    state.put(keys("b"), 2)
    state.put("modlens.other", 3)
    assert state.get(keys("a")) == 1 and state.get("modlens.missing", "default") == "default"
    assert state.pop(keys("b")) == 2 and state.pop(keys("b"), "gone") == "gone"
    keys.forget()
    assert state.get(keys("a")) is None and state.get("modlens.other") == 3
    state.forget(("modlens.oth",))
    assert state.get("modlens.other") is None


def test_primitives_in_a_script_run() -> None:
    at = AppTest.from_function(_script, default_timeout=TIMEOUT).run()
    assert not at.exception
