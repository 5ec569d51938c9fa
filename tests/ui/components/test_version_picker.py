"""The version picker: starts at the default version, or the first one when the default is gone."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import TIMEOUT


def _picker(root: str, default: int) -> None:
    from pathlib import Path

    import streamlit as st

    from core.registry import ModelRegistry
    from ui.components.version_picker import pick_version

    chosen = pick_version("Version", ModelRegistry(root=Path(root)).list(), default, key="modlens.test.version")
    st.write(f"picked {chosen.version}")


def test_starts_at_the_default_or_the_first_version(tmp_path: Path) -> None:
    at = AppTest.from_function(_picker, args=(str(tmp_path), 0), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["picked 0"]
    assert at.selectbox(key="modlens.test.version").options[0].startswith("v0 · ")
    gone = AppTest.from_function(_picker, args=(str(tmp_path), 7), default_timeout=TIMEOUT).run()  # deleted since
    assert not gone.exception
    assert [m.value for m in gone.markdown] == ["picked 0"]
