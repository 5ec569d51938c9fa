"""Loaders of the v4 datasets, run on tiny look-alike files in the sources' own formats."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.training.datasets import LABEL_MAPPING, PROTECTED, available, load_all
from core.training.datasets_extra import EXTRA_LOADERS
from core.training.dedup import text_key


def _gz_csv(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        frame.to_csv(handle, index=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    more = root / "jigsaw_more"
    _gz_csv(
        pd.DataFrame(
            {"comment_text": ["balanced ok", "balanced bad"], "toxic": [0, 1], "in_existing_rows0_9999": [False] * 2}
        ),
        more / "jigsaw2018_test_labelled_balanced.csv.gz",
    )
    labels = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
    subsets = pd.DataFrame({"id": ["a1", "a2", "a3"], "comment_text": ["sub ok", "sub rude", "sub hateful"]})
    for label in labels:
        subsets[label] = [0, 1, 1] if label == "toxic" else [0, 0, 1] if label == "identity_hate" else 0
    subsets["origin"] = "kaggle_train"
    subsets["in_existing_rows0_9999"] = False
    subsets["also_in_robtest"] = False
    _gz_csv(subsets, more / "jigsaw2018_subsets.csv.gz")
    _gz_csv(
        pd.DataFrame(
            {
                "comment_text": ["calm talk page note", "Balanced OK!!"],
                "toxic": [0, 0],
                "in_existing_rows0_9999": [False] * 2,
                "also_in_predibase": [False] * 2,
            }
        ),
        more / "jigsaw2018_train_nontoxic.csv.gz",
    )
    _gz_csv(
        pd.DataFrame(
            {
                "comment_id": [1, 2],
                "comment_text": ["civil rude", "civil borderline"],
                "n_annot": [3, 3],
                "frac_not_toxic": [0.0, 0.67],
                "frac_all_toxic": [0.3, 0.0],
                "toxic": [1, 0],
            }
        ),
        root / "civil_comments_spans" / "civil_comments_toxic_spans.csv.gz",
    )
    _gz_csv(
        pd.DataFrame(
            {
                "acl.id": ["acl1", "acl2", "acl3", "acl4"],
                "text": ["dyna hateful", "dyna not hateful", "dyna other", "dyna quoted"],
                "label": ["hate", "nothate", "nothate", "nothate"],
                "level": ["original", "perturbation", "original", "perturbation"],
                # acl2 was made from acl1 but sits in the other official split
                "split": ["dev", "test", "dev", "test"],
                "acl.id.matched": [None, "acl1", None, "acl3"],
                "hate": [1, 0, 0, 0],
            }
        ),
        root / "dynahate" / "dynahate_dev_test.csv.gz",
    )
    _gz_csv(
        pd.DataFrame(
            {"clean_text": ["gab hate", "gab fine", "gab later"], "label": [1, 0, 0], "split": ["train"] * 2 + ["eval"]}
        ),
        root / "gab_hate" / "gab_hate_corpus.csv.gz",
    )
    _gz_csv(
        pd.DataFrame(
            {
                "post": ["sb group joke", "sb insult you", "sb neutral"],
                "whoTarget": [1.0, 0.0, np.nan],
                "offensiveYN": [0.9, 0.6, 0.1],
                "dataSource": ["Gab", "t/founta", "Gab"],
                "split": ["dev", "dev", "tst"],
                "offensive": [1, 1, 0],
            }
        ),
        root / "sbic" / "sbic_agg_dev_tst.csv.gz",
    )
    _gz_csv(
        pd.DataFrame(
            {
                "file_id": ["10_1", "10_2", "11_1", "12_1"],
                "label": ["hate", "relation", "noHate", "idk/skip"],
                "text": ["sf hate", "sf context", "sf calm", "sf unclear"],
                "hate": [1, 0, 0, 0],
            }
        ),
        root / "stormfront" / "stormfront.csv.gz",
    )
    return root


def _sets(data_dir: Path) -> dict[str, pd.DataFrame]:
    return {s.name: s.frame for s in load_all(data_dir, seed=1)}


def test_every_new_dataset_loads_with_a_documented_mapping(data_dir: Path) -> None:
    assert set(available(data_dir)) == set(EXTRA_LOADERS)
    assert set(_sets(data_dir)) == set(EXTRA_LOADERS)
    assert all(LABEL_MAPPING[name] for name in EXTRA_LOADERS)
    assert not set(EXTRA_LOADERS) & PROTECTED


def test_jigsaw_more_maps_identity_hate_and_keeps_the_all_non_toxic_file_in_training(data_dir: Path) -> None:
    frame = _sets(data_dir)["jigsaw_more"].set_index("text")
    assert frame.loc["sub hateful", "hate"] == 1 and frame.loc["sub rude", "hate"] == 0
    assert frame.loc["balanced ok", "hate"] == 0 and np.isnan(frame.loc["balanced bad", "hate"])
    assert frame.loc["calm talk page note", "split"] == "train"
    assert frame.loc["calm talk page note", "source"] == "train_nontoxic"
    # "Balanced OK!!" is a copy of "balanced ok" (normalised text): dropped
    assert "Balanced OK!!" not in frame.index


def test_hate_only_sources_mask_toxic_for_their_negatives(data_dir: Path) -> None:
    sets = _sets(data_dir)
    for name, positive, negative in (
        ("dynahate", "dyna hateful", "dyna other"),
        ("gab_hate", "gab hate", "gab fine"),
        ("stormfront", "sf hate", "sf calm"),
    ):
        frame = sets[name].set_index("text")
        assert frame.loc[positive, "toxic"] == 1 and frame.loc[positive, "hate"] == 1, name
        assert np.isnan(frame.loc[negative, "toxic"]) and frame.loc[negative, "hate"] == 0, name


def test_stormfront_masks_relation_and_drops_unclear_rows(data_dir: Path) -> None:
    frame = _sets(data_dir)["stormfront"].set_index("text")
    assert np.isnan(frame.loc["sf context", "hate"])
    assert "sf unclear" not in frame.index
    assert frame.loc["sf hate", "split"] == frame.loc["sf context", "split"], "sentences of one post split together"


def test_sbic_hate_needs_a_group_target(data_dir: Path) -> None:
    frame = _sets(data_dir)["sbic"].set_index("text")
    assert frame.loc["sb group joke", ["toxic", "hate"]].tolist() == [1, 1]
    assert frame.loc["sb insult you", "toxic"] == 1 and np.isnan(frame.loc["sb insult you", "hate"])
    assert frame.loc["sb neutral", ["toxic", "hate"]].tolist() == [0, 0]
    assert frame.loc["sb neutral", "split"] == "test"


def test_official_test_splits_are_kept(data_dir: Path) -> None:
    sets = _sets(data_dir)
    gab = sets["gab_hate"].set_index("text")
    assert gab.loc["gab later", "split"] == "test"
    assert set(gab.loc[["gab hate", "gab fine"], "split"]) <= {"train", "validation"}


def test_dynahate_perturbation_groups_stay_on_one_side(data_dir: Path) -> None:
    frame = _sets(data_dir)["dynahate"].set_index("text")
    assert frame.loc["dyna hateful", "group"] == frame.loc["dyna not hateful", "group"]
    assert frame.loc["dyna hateful", "split"] == frame.loc["dyna not hateful", "split"]
    assert frame.loc["dyna other", "split"] == frame.loc["dyna quoted", "split"]
    assert frame.loc["dyna quoted", "level"] == "perturbation"


def test_civil_comments_keeps_hard_negatives(data_dir: Path) -> None:
    frame = _sets(data_dir)["civil_comments_spans"].set_index("text")
    assert frame.loc["civil borderline", "toxic"] == 0 and frame["hate"].isna().all()


def test_splits_do_not_depend_on_row_order(data_dir: Path) -> None:
    """Keyed splits: shuffling a source file gives every post the same side."""
    path = data_dir / "civil_comments_spans" / "civil_comments_toxic_spans.csv.gz"
    before = _sets(data_dir)["civil_comments_spans"].set_index("text")["split"]
    _gz_csv(pd.read_csv(path).iloc[::-1], path)
    after = _sets(data_dir)["civil_comments_spans"].set_index("text")["split"]
    assert before.sort_index().equals(after.sort_index())


def test_no_post_is_on_two_sides_across_all_sets(data_dir: Path) -> None:
    rows = pd.concat(list(_sets(data_dir).values()))
    sides = rows.groupby(rows["text"].map(text_key))["split"].nunique()
    assert (sides == 1).all()
