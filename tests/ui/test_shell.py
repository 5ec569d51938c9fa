"""AppTest: the app shell: every page opens inside it, and a missing model is reported on every page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.errors import ModLensError
from tests.ui.conftest import APP, TIMEOUT
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.apptest import errors


@pytest.mark.parametrize(
    ("page", "title", "words"),
    [
        ("pages/score.py", "Score posts", "Upload a file"),
        ("pages/explain.py", "Explain", "which words drive"),
        ("pages/bias.py", "Bias", "identity groups"),
        ("pages/model.py", "Model", "Train new model versions"),
    ],
)
def test_every_page_opens(app: AppTest, page: str, title: str, words: str) -> None:
    app.switch_page(page).run()
    assert not app.exception
    assert app.title[0].value == title
    text = " ".join(str(e.value) for e in [*app.markdown, *app.info, *app.caption])
    text += " ".join(u.label for u in app.file_uploader)
    assert words in text


def test_missing_model_shows_the_error_and_keeps_pages_working(
    monkeypatch: pytest.MonkeyPatch, fake_model: KeywordModel
) -> None:
    import ui.services.models

    def broken(model_dir: object) -> KeywordModel:
        raise ModLensError("No model at 'nowhere'. Give a model directory with --model, or train one.")

    monkeypatch.setattr(ui.services.models, "load_classifier", broken)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any("No model at 'nowhere'" in e for e in errors(at))
    at.switch_page("pages/score.py").run()
    assert not at.exception
    assert any("No model at" in e for e in errors(at))
    at.switch_page("pages/bias.py").run()
    assert at.title[0].value == "Bias"


def test_the_first_page_protects_the_logs_and_removes_what_a_killed_server_left(fake_model: KeywordModel) -> None:
    import json
    import logging
    import subprocess
    import sys

    from core.privacy.logs import DropPostText
    from ui.services import training_runs

    presidio = logging.getLogger("presidio-analyzer")
    for existing in list(presidio.filters):
        presidio.removeFilter(existing)
    gone = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    server = training_runs.ProcessId.of(gone.pid)
    gone.kill()
    gone.wait()
    run = training_runs.TrainingRun.create()
    (run.path / training_runs.OWNER_FILE).write_text(json.dumps({"server": server.to_json()}))

    AppTest.from_file(APP, default_timeout=TIMEOUT).run()

    assert any(isinstance(f, DropPostText) for f in presidio.filters)
    assert not run.path.exists()
