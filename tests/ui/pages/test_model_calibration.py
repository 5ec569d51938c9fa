"""AppTest: the Model page shows the picked version's reliability curve, or says it has none (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.evaluation.calibration import reliability_table
from core.registry import ModelRegistry
from tests.ui.conftest import APP, TIMEOUT
from tests.ui.fake_model import KeywordModel
from ui.components import safe_text
from ui.sections.model import versions

PAGE = "pages/model.py"


def write_version(directory: Path, calibration: dict) -> Path:
    """A model directory with metadata and card only (the keyword fake scores)."""
    directory.mkdir()
    metadata = {
        "format_version": 1,
        "name": "calibrated",
        "created": "2026-01-02T00:00:00+00:00",
        "labels": ["toxic", "hate"],
        "thresholds": {"toxic": 0.4, "hate": 0.5},
        "checks": {"calibration": calibration},
    }
    (directory / "metadata.json").write_text(json.dumps(metadata))
    (directory / "model_card.md").write_text("# Model card: calibrated\n")
    return directory


@pytest.fixture
def model_page(fake_model: KeywordModel) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def charts(at: AppTest) -> list[str]:
    return [c.key for c in at.get("plotly_chart") if c.key and ".reliability." in c.key]


def test_reliability_curve_of_a_version_with_data_and_a_note_without(model_page: AppTest, tmp_path: Path) -> None:
    table = reliability_table([0, 0, 1, 1, 1], [0.05, 0.15, 0.55, 0.85, 0.95], n_bins=10)
    calibration = {
        "toxic": {"table": table.to_dict("records"), "ece": 0.0234},
        "hate": {"table": "damaged"},  # skipped, not a crash
    }
    registry = ModelRegistry()
    number = registry.add(write_version(tmp_path / "calibrated", calibration))
    plain = registry.add(write_version(tmp_path / "plain", {}))  # trained before calibration checks
    at = model_page
    at.run()
    at.selectbox(key=versions.KEYS("version")).set_value(plain).run()
    assert not charts(at)  # no reliability data: a note, no empty chart
    assert any("has no reliability data" in safe_text.visible_text(i.value) for i in at.info)

    at.selectbox(key=versions.KEYS("version")).set_value(number).run()
    assert charts(at) == [versions.KEYS(f"reliability.{number}.toxic")]
    figure = json.loads(at.get("plotly_chart")[-1].proto.spec)
    points = figure["data"][1]
    assert len(points["x"]) == int((table["n"] > 0).sum())
    assert points["y"] == pytest.approx(table[table["n"] > 0]["observed_rate"].tolist())
    assert any("Expected calibration error, toxic: 0.023" in safe_text.visible_text(c.value) for c in at.caption)
    assert not any("has no reliability data" in safe_text.visible_text(i.value) for i in at.info)
    assert not at.exception
