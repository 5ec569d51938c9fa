"""Training settings are refused out of range when built, whichever screen or command builds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from core.training.contrast import ContrastConfig
from core.training.debias import DebiasConfig
from core.training.pipeline import TrainingRequest


@pytest.mark.parametrize(
    "changes",
    [
        {"sentences_per_phrase": -1},
        {"sentences_per_phrase": 2.5},
        {"identity_weight": float("nan")},
        {"identity_weight": float("inf")},
        {"identity_weight": -0.5},
        {"balance_cap": 1.2, "identity_weight": 2.0},
        {"seed": -3},
    ],
)
def test_debias_settings_out_of_range_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        DebiasConfig(**changes)


def test_contrast_needs_at_least_one_filling() -> None:
    with pytest.raises(ConfigError, match="--contrast"):
        ContrastConfig(fills_per_pair=0)
    assert ContrastConfig(fills_per_pair=1).fills_per_pair == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"labels": ()}, "Give each model label once"),
        ({"labels": ("toxic", "toxic")}, "Give each model label once"),
        ({"seeds": (13, 21, 13)}, "lists a seed twice"),
        ({"seeds": (13, -1)}, "Each of --seeds"),
        ({"split_seed": 2**32}, "--split-seed"),
        ({"dataset_weights": {"jigsaw": float("nan")}}, "--dataset-weight jigsaw"),
        ({"dataset_weights": {"jigsaw": -1.0}}, "--dataset-weight jigsaw"),
        ({"obfuscate": 1.0}, "--obfuscate"),
        ({"identity_swap": -0.1}, "--identity-swap"),
    ],
)
def test_training_requests_out_of_range_are_refused(tmp_path: Path, changes: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        TrainingRequest(out=tmp_path / "model", **changes)


def test_a_request_in_range_is_kept_as_given(tmp_path: Path) -> None:
    request = TrainingRequest(
        out=tmp_path / "model", seeds=(13, 21, 34), dataset_weights={"jigsaw": 3.0, "olid": 0.0}, obfuscate=0.05
    )
    assert request.seeds == (13, 21, 34) and request.dataset_weights["olid"] == 0.0
