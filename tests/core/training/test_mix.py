"""What one training run sees: stacked splits, weights, augmentations and the calibration pool."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.errors import ConfigError
from core.training.contrast import ContrastConfig
from core.training.datasets import LabelledSet
from core.training.debias import DebiasConfig
from core.training.mix import SKEWED_SAMPLING, calibration_rows, check_dataset_weights, stack, training_rows


def _set(name: str, texts: list[str], toxic: list[float], split: str = "train", hate: bool = True) -> LabelledSet:
    frame = pd.DataFrame({"text": texts, "toxic": toxic, "split": split})
    if hate:
        frame["hate"] = 0.0
    return LabelledSet(name, frame, (Path(f"{name}.csv"),))


def test_stack_fills_missing_labels_with_nan_and_names_sources() -> None:
    stacked = stack([_set("a", ["x", "y"], [0, 1]), _set("b", ["z"], [1], hate=False)], "train", ("toxic", "hate"))
    assert stacked.texts == ["x", "y", "z"] and stacked.sources == ["a", "a", "b"]
    assert stacked.y[:2, 1].tolist() == [0, 0] and np.isnan(stacked.y[2, 1])
    assert stack([_set("a", ["x"], [0])], "test", ("toxic", "hate")).y.shape == (0, 2)


def test_dataset_weights_and_spelling_copies() -> None:
    sets = [_set("big", [f"you idiot number {i}" for i in range(200)], [1] * 200), _set("small", ["nice day"], [0])]
    rows, weights = training_rows(sets, ("toxic", "hate"), obfuscate=0.2, dataset_weights={"big": 0.5}, seed=3)
    assert len(rows.texts) > 201 and len(rows.texts) == len(weights) == len(rows.y)
    copies = rows.texts[201:]
    assert all(text not in rows.texts[:201] for text in copies[:20])
    assert (weights[np.array(rows.sources) == "big"] == 0.5).all() and weights[200] == 1.0
    assert (rows.y[201:, 0] == [1.0 if s == "big" else 0.0 for s in rows.sources[201:]]).all()


def test_a_weight_for_a_set_the_run_lacks_is_refused_with_the_names_it_has() -> None:
    sets = [_set("jigsaw", ["you idiot", "nice day"], [1, 0])]
    contrast = ContrastConfig(fills_per_pair=1)
    expected = r"jigsw, which this run does not train on\. Use one of: jigsaw, contrast_pairs\."
    with pytest.raises(ConfigError, match=expected):
        check_dataset_weights({"jigsw": 3, "jigsaw": 2}, sets, None, contrast)
    with pytest.raises(ConfigError, match="identity_augmentation"):  # no --debias, so no augmentation to weigh
        check_dataset_weights({"identity_augmentation": 2}, sets, None, contrast)
    every_set = {"jigsaw": 2, "identity_augmentation": 2, "contrast_pairs": 2}
    check_dataset_weights(every_set, sets, DebiasConfig(), contrast)
    # the debiased run's baseline trains without augmentation and ignores its weight
    rows, weights = training_rows(sets, ("toxic", "hate"), contrast=contrast, dataset_weights=every_set)
    assert "identity_augmentation" not in rows.sources and weights[0] == 2
    assert (weights[np.array(rows.sources) == "contrast_pairs"] == 2).all()


def test_identity_swaps_copy_dataset_posts_with_their_labels_and_weights() -> None:
    train = _set("a", ["muslims ruin everything", "lovely weather", "my jewish neighbours are kind"], [1, 0, 0])
    held_out = _set("b", ["jews ruin everything"], [1], split="test")
    debias = DebiasConfig(sentences_per_phrase=1, identity_weight=1.0)
    kwargs = {"debias": debias, "dataset_weights": {"a": 2.0}, "seed": 4}
    plain, _ = training_rows([train, held_out], ("toxic", "hate"), **kwargs)
    rows, weights = training_rows([train, held_out], ("toxic", "hate"), identity_swap=1.0, **kwargs)
    copies = rows.texts[len(plain.texts) :]
    assert rows.texts[: len(plain.texts)] == plain.texts and 1 <= len(copies) <= 2
    assert all(text not in plain.texts and text != "jews ruin everything" for text in copies)
    assert set(rows.sources[len(plain.texts) :]) == {"a"} and (weights[len(plain.texts) :] == 2.0).all()
    by_text = {text: row for text, row in zip(rows.texts, rows.y[:, 0], strict=True)}
    assert all(by_text[c] == (1.0 if c.endswith("ruin everything") else 0.0) for c in copies)


def test_project_sentences_follow_the_run_seed() -> None:
    sets = [_set("a", ["hello there", "go away idiot"], [0, 1])]
    one, _ = training_rows(sets, ("toxic", "hate"), contrast=ContrastConfig(fills_per_pair=1, seed=99), seed=1)
    same, _ = training_rows(sets, ("toxic", "hate"), contrast=ContrastConfig(fills_per_pair=1, seed=5), seed=1)
    other, _ = training_rows(sets, ("toxic", "hate"), contrast=ContrastConfig(fills_per_pair=1), seed=2)
    assert "contrast_pairs" in one.sources
    assert one.texts == same.texts and one.texts != other.texts


def test_identity_weight_multiplies_the_dataset_weight() -> None:
    sets = [_set("a", ["muslims run the bakery", "lovely weather"], [0, 0])]
    _, weights = training_rows(
        sets, ("toxic", "hate"), debias=DebiasConfig(augment=False, identity_weight=2.0), dataset_weights={"a": 0.5}
    )
    assert weights.tolist() == [1.0, 0.5]


def test_calibration_leaves_out_skewed_samples() -> None:
    skewed = sorted(SKEWED_SAMPLING)[0]
    sets = [_set("fair", ["a", "b"], [0, 1], "validation"), _set(skewed, ["c"], [1], "validation")]
    assert calibration_rows(sets, ("toxic",)).sources == ["fair", "fair"]
    assert calibration_rows(sets[1:], ("toxic",)).sources == [skewed]  # nothing else: use what there is


def test_identity_balance_lifts_skewed_terms_from_dataset_counts() -> None:
    texts = ["jews are vermin", "jews ruin it", "jews are kind", "women are kind", "women are smart", "get lost idiot"]
    sets = [_set("a", texts, [1, 1, 0, 0, 0, 1])]
    debias = DebiasConfig(augment=False, identity_weight=1.5, balance_cap=20.0)
    flat, flat_weights = training_rows(sets, ("toxic", "hate"), debias=DebiasConfig(augment=False, identity_weight=1.5))
    rows, weights = training_rows(sets, ("toxic", "hate"), debias=debias, dataset_weights={"a": 2.0})
    assert rows.texts == flat.texts and flat_weights[2] == flat_weights[3] == 1.5
    assert weights[2] > 2.0 * 1.5 and weights[3] == weights[4] == 2.0 * 1.5  # "jews" lifted, "women" kept flat
    assert weights[0] == weights[1] == weights[5] == 2.0  # hostile posts keep the dataset weight
