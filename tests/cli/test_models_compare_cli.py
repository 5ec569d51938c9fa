"""``models compare`` shows which label of each version it judged, so different labels are never compared unseen."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.cli import main
from tests.ui.fake_model import KeywordModel


class OneLabel(KeywordModel):
    """A version trained on one label only, named with a terminal escape."""

    def __init__(self) -> None:
        super().__init__()
        self.labels_, self.thresholds_ = ["to\x1b[2Jxic"], {"to\x1b[2Jxic": 0.5}

    def predict_proba(self, texts):  # type: ignore[no-untyped-def]
        return super().predict_proba(texts)[:, :1]


def test_compare_names_the_label_of_each_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("MODLENS_HOME", str(tmp_path / "home"))
    for version in (1, 2):
        folder = tmp_path / "home" / "models" / "versions" / f"v{version}"
        folder.mkdir(parents=True)
        (folder / "metadata.json").write_text("{}")

    def load(path: Path) -> KeywordModel:
        return OneLabel() if Path(path).name == "v2" else KeywordModel()

    monkeypatch.setattr("core.model.classifier.ToxicityClassifier.load", staticmethod(load))
    data = tmp_path / "labelled.csv"
    data.write_text("text,hate\nyou idiot,0\ngo back vermin,1\nhello,0\n")
    assert main(["models", "compare", "1", "2", "--data", str(data), "--label-col", "hate"]) == 0
    out = capsys.readouterr().out
    label_row = next(line for line in out.splitlines() if line.strip().startswith("label"))
    assert label_row.split() == ["label", "hate", "to\\x1b[2Jxic"]
    assert "\x1b" not in out
