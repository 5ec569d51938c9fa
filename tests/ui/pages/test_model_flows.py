"""AppTest: the Model page as an admin sees it: the activation question is bold, with the version's name as written."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.registry import ModelRegistry
from tests.ui.conftest import APP, TIMEOUT
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.test_model_versions import write_version
from ui.components import safe_text
from ui.sections.model import versions

HOSTILE_NAME = "**bold** [x](http://evil.example/) <b>"


def test_the_activation_question_is_bold_and_shows_the_name_literally(fake_model: KeywordModel, tmp_path: Path) -> None:
    number = ModelRegistry().add(write_version(tmp_path / "hostile", name=HOSTILE_NAME))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/model.py").run()
    at.selectbox(key=versions.KEYS("version")).set_value(number).run()
    at.button(key=versions.KEYS("activate")).click().run()
    assert not at.exception
    [question] = [m.value for m in at.markdown if "Activate version" in m.value]
    # before: the whole line escaped, bold markers included: "\*\*Activate ...\*\*" showed its asterisks
    assert question.startswith("**") and question.endswith("**") and not question.startswith("**\\")
    inner = question[2:-2]
    assert safe_text.visible_text(inner) == f"Activate version {number} ({HOSTILE_NAME})?"
    assert "**bold**" not in inner and "](" not in inner and "<b>" not in inner
