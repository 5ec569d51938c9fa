"""Contrast pairs: one filling per pair, labels from the framing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.bias.lexicon import Lexicon
from core.errors import ModLensError
from core.training.contrast import ContrastConfig, contrast_frame, load_contrast_assets


@pytest.fixture
def assets() -> tuple[pd.DataFrame, pd.DataFrame]:
    templates = pd.DataFrame(
        {
            "pair": ["p1", "p1", "p2"],
            "kind": ["hostile", "negated", "hostile"],
            "template": ["{identity} are {claim}.", "{identity} are not {claim}.", "You're {insult}."],
            "toxic": [1, 0, 1],
            "hate": [1, 0, 0],
        }
    )
    fillers = pd.DataFrame({"slot": ["claim", "claim", "insult"], "text": ["pests", "a plague", "a clown"]})
    return templates, fillers


def test_pairs_share_their_filling_and_keep_their_labels(assets: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    terms = pd.DataFrame({"group": ["g"], "category": ["age"], "term": ["t"], "plural": ["robots"]})
    lexicon = Lexicon.from_frame(terms)
    frame = contrast_frame(ContrastConfig(fills_per_pair=4, seed=1), lexicon=lexicon, assets=assets)
    assert len(frame) == 4 * 2 + 4 * 1
    assert set(frame["split"]) == {"train"}
    hostile = frame[frame["text"].str.lower().str.match(r"robots are (pests|a plague)\.$")]
    negated = frame[frame["text"].str.contains(" are not ")]
    assert (hostile["toxic"] == 1).all() and (negated[["toxic", "hate"]] == 0).all().all()
    # the negation of each drawing repeats the hostile sentence's claim
    for h, n in zip(hostile["text"], negated["text"], strict=True):
        assert h.rstrip(".").split(" are ")[1] == n.rstrip(".").split(" are not ")[1]
    assert frame.equals(contrast_frame(ContrastConfig(fills_per_pair=4, seed=1), lexicon=lexicon, assets=assets))


def test_project_assets_load_and_missing_files_are_clear(tmp_path: Path) -> None:
    templates, fillers = load_contrast_assets()
    assert set(templates["toxic"]) == {0, 1} and {"claim", "insult"} <= set(fillers["slot"])
    assert (templates.groupby("pair")["toxic"].nunique() == 2).all(), "every pair contrasts hostile and not"
    with pytest.raises(ModLensError, match="not found"):
        load_contrast_assets(tmp_path / "none.csv")
