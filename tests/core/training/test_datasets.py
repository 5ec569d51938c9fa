"""Loaders of the public datasets, run on tiny look-alike files the test writes itself."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.errors import ModLensError
from core.training.datasets import available, clean_text, load_all, random_split


def _gz_csv(frame: pd.DataFrame, path: Path, **kwargs) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        frame.to_csv(handle, **kwargs)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    _gz_csv(
        pd.DataFrame({"comment_text": ["nice edit", "you idiot"], "labels": [0, 1]}),
        root / "jigsaw_toxic" / "text_comment_1.csv.gz",
        index=False,
    )
    _gz_csv(
        pd.DataFrame({"count": [3, 3, 3], "class": [0, 1, 2], "tweet": ["h &amp; x", "RT @bob: o", "n"]}),
        root / "davidson" / "labeled_data.csv.gz",
    )
    olid = root / "olid"
    _gz_csv(
        pd.DataFrame({"id": [1, 2], "tweet": ["@USER bad", "ok"], "subtask_a": ["OFF", "NOT"]}),
        olid / "olid-training-v1.0.tsv.gz",
        sep="\t",
        index=False,
    )
    pd.DataFrame({"id": [9], "tweet": ["test tweet"]}).to_csv(olid / "testset-levela.tsv", sep="\t", index=False)
    pd.DataFrame({"id": [9], "label": ["OFF"]}).to_csv(olid / "labels-levela.csv", index=False)
    hx = root / "hatexplain"
    _gz_csv(
        pd.DataFrame({"text": ["hx a", "hx b", "hx c"], "majority_label": [0, 1, 2]}),
        hx / "hatexplain_train_derived.csv.gz",
        index=False,
    )
    for split in ("validation", "test"):
        rows = [
            {"annotators": {"label": [0, 0, 1]}, "post_tokens": ["<user>", "hate", split]},
            {"annotators": {"label": [1, 2, 1]}, "post_tokens": ["fine", split]},
        ]
        with gzip.open(hx / f"hatexplain_{split}.jsonl.gz", "wt") as handle:
            handle.write("\n".join(json.dumps(r) for r in rows))
    _gz_csv(
        pd.DataFrame({"tweet": ["x", "y", "z"], "sentiment": ["normal", "hateful_offensive", "offensive"]}),
        root / "mlma" / "en_dataset_with_stop_words.csv.gz",
        index=False,
    )
    (root / "ethos").mkdir()
    pd.DataFrame({"comment": ["eth a", "eth b", "eth c"], "isHate": [0.0, 0.33, 0.83]}).to_csv(
        root / "ethos" / "Ethos_Dataset_Binary.csv", sep=";", index=False
    )
    (root / "toxigen").mkdir()
    pd.DataFrame({"text": ["t1", "t2"], "target_group": ["g", "g"], "prompt_label": ["hate", "neutral"]}).to_csv(
        root / "toxigen" / "toxigen_prompt_sentences_derived.csv", index=False
    )
    return root


def test_label_mapping_of_every_dataset(data_dir: Path) -> None:
    sets = {s.name: s.frame for s in load_all(data_dir, seed=1)}
    assert set(sets) == {"jigsaw", "davidson", "olid", "hatexplain", "mlma", "ethos", "toxigen"}
    assert sets["jigsaw"]["toxic"].tolist() == [0, 1] and sets["jigsaw"]["hate"].isna().all()
    assert sets["davidson"]["toxic"].tolist() == [1, 1, 0] and sets["davidson"]["hate"].tolist() == [1, 0, 0]
    olid = sets["olid"]
    assert olid.loc[olid["split"] == "test", "toxic"].tolist() == [1.0]
    assert (olid.loc[olid["split"] != "test", "split"].isin(["train", "validation"])).all()
    hx = sets["hatexplain"]
    assert hx["toxic"].tolist() == [1, 0, 1, 1, 0, 1, 0] and hx["hate"].tolist() == [1, 0, 0, 1, 0, 1, 0]
    assert hx["split"].tolist() == ["train"] * 3 + ["validation"] * 2 + ["test"] * 2
    np.testing.assert_array_equal(sets["mlma"]["hate"], [0, 1, np.nan])
    np.testing.assert_array_equal(sets["ethos"]["toxic"], [0, np.nan, 1])
    assert sets["toxigen"]["hate"].tolist() == [1, 0]


def test_text_cleaning_unifies_platform_artefacts() -> None:
    assert clean_text("RT @bob: look &amp; see http://t.co/x") == "@user: look & see URL"
    assert clean_text("<user> hi\\nthere") == "@user hi there"


def test_random_splits_of_the_v3_datasets_are_unchanged() -> None:
    """The v3 default model was evaluated on these test splits: the draws must never change."""
    import hashlib

    expected = {
        (10000, "jigsaw"): "8c5ee73d03da6e9a",
        (24783, "davidson"): "bb4dd66e9e67417e",
        (14100, "olid"): "99fb66228740305e",
        (5647, "mlma"): "ec46990d4cc2e497",
        (998, "ethos"): "900089aa4eff7c0f",
        (668, "toxigen"): "ae5cc5ddda144c75",
    }
    for (n, name), digest in expected.items():
        drawn = "".join(random_split(n, 13, name))
        assert hashlib.sha256(drawn.encode()).hexdigest()[:16] == digest, name


def test_random_split_is_seeded_and_differs_per_dataset() -> None:
    first = random_split(1000, 13, "a")
    assert (first == random_split(1000, 13, "a")).all()
    assert (first != random_split(1000, 13, "b")).any()
    assert 0.05 < (first == "test").mean() < 0.15


def test_missing_folders_are_skipped_and_none_is_an_error(data_dir: Path, tmp_path: Path) -> None:
    import shutil

    shutil.rmtree(data_dir / "ethos")
    assert "ethos" not in available(data_dir)
    assert "ethos" not in {s.name for s in load_all(data_dir)}
    with pytest.raises(ModLensError, match="No public datasets found"):
        load_all(tmp_path / "empty")


def test_summary_counts_and_hashes(data_dir: Path) -> None:
    jigsaw = next(s for s in load_all(data_dir) if s.name == "jigsaw")
    summary = jigsaw.summary()
    assert summary["rows"] == 2 and summary["labels"]["toxic"] == {"known": 2, "positive": 1}
    assert len(summary["files"]["text_comment_1.csv.gz"]) == 64
