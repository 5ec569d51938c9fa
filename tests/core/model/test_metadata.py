"""ModelMetadata: the bundled file loads, unknown keys survive a round trip, wrong types name their field."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from core.errors import ConfigError, InputError, ModelError
from core.model.metadata import ModelMetadata, read_metadata, write_metadata
from core.paths import DEFAULT_MODEL_DIR


def _bundled() -> dict:
    return json.loads((DEFAULT_MODEL_DIR / "metadata.json").read_text())


def test_the_bundled_metadata_loads_typed_and_round_trips_unchanged() -> None:
    meta = read_metadata(DEFAULT_MODEL_DIR)
    assert meta.labels == ("toxic", "hate")
    assert set(meta.thresholds) == {"toxic", "hate"} and all(0 <= t <= 1 for t in meta.thresholds.values())
    assert meta.name.startswith("modlens-default") and meta.n_train and meta.headline
    assert meta.to_dict() == _bundled()
    assert meta.extra == {}


def test_unknown_keys_are_kept_and_written_back(tmp_path: Path) -> None:
    data = {
        **_bundled(),
        "calibration_v9": {"toxic": {"method": "isotonic", "ece": 0.02}},
        "functional_by_functionality": [{"functionality": "negation", "accuracy": 0.7}],
    }
    meta = ModelMetadata.from_dict(data)
    assert meta.extra == {
        "calibration_v9": data["calibration_v9"],
        "functional_by_functionality": data["functional_by_functionality"],
    }
    (tmp_path / "metadata.json").write_text("{}")
    write_metadata(tmp_path, meta.with_thresholds({"toxic": 0.25}))
    back = json.loads((tmp_path / "metadata.json").read_text())
    assert back["calibration_v9"] == data["calibration_v9"] and back["thresholds"]["toxic"] == 0.25
    assert read_metadata(tmp_path).extra == meta.extra


def test_the_mapping_view_serves_old_dict_readers() -> None:
    meta = read_metadata(DEFAULT_MODEL_DIR)
    assert meta["name"] == meta.name and meta.get("headline") == dict(meta.headline)
    assert meta.get("missing") is None and "labels" in meta
    assert dict(meta)["labels"] == ["toxic", "hate"]
    assert json.loads(json.dumps(dict(meta))) == _bundled()


def test_old_files_without_the_newer_keys_still_load() -> None:
    old = {"format_version": 1, "name": "old", "labels": ["toxic"], "thresholds": {"toxic": 0.4}}
    meta = ModelMetadata.from_dict(old)
    assert meta.headline == {} and meta.debias is None and meta.n_train is None
    assert ModelMetadata.from_dict({"format_version": 1, "labels": ["a", "b"]}).thresholds == {"a": 0.5, "b": 0.5}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"thresholds": "0.5"}, "thresholds"),
        ({"thresholds": {"toxic": "high"}}, "thresholds"),
        ({"thresholds": {"toxic": math.nan}}, "thresholds"),
        ({"thresholds": {"toxic": -0.1}}, "thresholds"),
        ({"thresholds": {"toxic": True}}, "thresholds"),
        ({"labels": [1, 2]}, "labels"),
        ({"labels": []}, "labels"),
        ({"labels": ["toxic", "toxic"]}, "labels"),
        ({"config": ["x"]}, "config"),
        ({"headline": [0.9]}, "headline"),
        ({"headline": {"auc": "high"}}, "headline"),
        ({"name": 3}, "name"),
        ({"evaluation": {"a": 1}}, "evaluation"),
        ({"n_train": -1}, "n_train"),
        ({"debias": "yes"}, "debias"),
    ],
)
def test_wrong_types_name_the_field_and_what_to_do(change: dict, field: str) -> None:
    with pytest.raises(ModelError, match=rf"metadata.json: '{field}' must be .*Restore the model directory"):
        ModelMetadata.from_dict({**_bundled(), **change})


def test_a_wrong_format_version_or_a_non_object_is_refused() -> None:
    with pytest.raises(ModelError, match="format version 2"):
        ModelMetadata.from_dict({**_bundled(), "format_version": 2})
    with pytest.raises(ModelError, match="must be a JSON object"):
        ModelMetadata.from_dict(["labels"])


def test_new_thresholds_are_checked() -> None:
    meta = read_metadata(DEFAULT_MODEL_DIR)
    for bad in (math.nan, 1.5, "0.3"):
        with pytest.raises(ConfigError, match="threshold for 'toxic' must be a number from 0 to 1"):
            meta.with_thresholds({"toxic": bad})
    with pytest.raises(InputError, match="Unknown label"):
        meta.with_thresholds({"spam": 0.5})
    assert meta.with_thresholds({"hate": 0.2}).thresholds["hate"] == 0.2


def test_a_metadata_file_that_is_a_device_or_huge_is_refused(tmp_path: Path) -> None:
    (tmp_path / "metadata.json").symlink_to("/dev/zero")
    with pytest.raises(ModelError, match="not a regular file"):
        read_metadata(tmp_path)


def test_v4_keys_are_typed_and_checked() -> None:
    data = {
        **_bundled(),
        "calibration": {"method": "temperature", "temperature": {"toxic": 1.1, "hate": 0.9}},
        "recipe": {"obfuscate": 0.05},
        "seed_runs": {"chosen_seed": 13, "runs": []},
        "card_appendix": "## How this recipe was chosen",
    }
    meta = ModelMetadata.from_dict(data)
    assert meta.calibration["temperature"]["toxic"] == 1.1 and meta.seed_runs["chosen_seed"] == 13
    assert meta.recipe == {"obfuscate": 0.05} and meta.card_appendix.startswith("## How")
    assert not set(meta.extra) & {"calibration", "recipe", "seed_runs", "card_appendix"}
    assert meta.to_dict() == data
    with pytest.raises(ModelError, match="'seed_runs' must be a mapping"):
        ModelMetadata.from_dict({**data, "seed_runs": [13, 21]})
    with pytest.raises(ModelError, match="'card_appendix' must be text"):
        ModelMetadata.from_dict({**data, "card_appendix": 3})
