"""Training on a user's own files: other labels, names like a public set, tiny validation splits (audit fixes)."""

from __future__ import annotations

import gzip
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from core.errors import ConfigError
from core.model.config import preset
from core.training.card import render_card
from core.training.datasets import LabelledSet
from core.training.pipeline import TrainingRequest, gather, train
from core.training.seeds import choose_run
from core.training.set_checks import spelling_robustness
from tests.conftest import tiny_corpus

TINY = preset("seed").with_overrides(
    epochs=1, vocab_size=300, embedding_dim=8, lstm_units=4, batch_size=64, sequence_length=20
)


def _file(path: Path, columns: tuple[str, str] = ("toxic", "hate"), n: int = 120) -> Path:
    texts, labels = tiny_corpus(n)
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"text": texts, columns[0]: labels[:, 0], columns[1]: labels[:, 1]}).to_csv(path, index=False)
    return path


def test_a_model_with_labels_other_than_toxic_trains_and_its_card_counts_those_labels(tmp_path: Path) -> None:
    """The templated and functional checks judge ``toxic``: they crashed the run after training (ValueError)."""
    data = _file(tmp_path / "mine.csv", ("insult", "slur"))
    request = TrainingRequest(out=tmp_path / "model", labels=("insult", "slur"), files=(data,), config=TINY)
    clf = train(request)
    assert clf.labels_ == ["insult", "slur"]
    metadata = clf.load(tmp_path / "model").metadata_
    assert metadata.checks["templated_identity"] == {} and metadata.checks["functional"] == {}
    assert metadata.training_data["mine"]["labels"]["insult"] == {"known": 120, "positive": 60}
    card = (tmp_path / "model" / "model_card.md").read_text(encoding="utf-8")
    assert "| insult known (positive) | slur known (positive) |" in card
    assert "toxic known (positive)" not in card
    assert "| 120 (60) |" in card
    assert "insult = column 'insult'; slur = column 'slur'." in card


def test_the_card_keeps_toxic_and_hate_columns_for_sets_that_count_them() -> None:
    data = {"jigsaw": {"rows": 2, "labels": {"toxic": {"known": 2, "positive": 1}, "hate": {"known": 0}}}}
    card = render_card({"format_version": 1, "labels": ["toxic"], "thresholds": {}, "training_data": data})
    assert "| dataset | rows | train / validation / test | toxic known (positive) | hate known (positive) |" in card


def test_a_file_named_like_a_public_set_gets_its_own_label_mapping_in_the_card(tmp_path: Path) -> None:
    """Its summary said 'Jigsaw toxic; hate unknown (masked). Rows 0-9,999 of the 2018 train set'."""
    data = _file(tmp_path / "jigsaw.csv")
    (labelled,) = gather(TrainingRequest(out=tmp_path / "m", files=(data,), label_columns={"hate": "hate"}))
    assert labelled.summary()["mapping"] == "toxic = column 'toxic'; hate = column 'hate'."


def test_two_training_files_of_one_name_are_refused_before_reading(tmp_path: Path) -> None:
    """Both trained, but the card and metadata listed one of them (the other's summary was overwritten)."""
    first, second = _file(tmp_path / "a" / "posts.csv"), _file(tmp_path / "b" / "posts.csv", n=40)
    with pytest.raises(ConfigError, match="Two training sets would be named 'posts'"):
        gather(TrainingRequest(out=tmp_path / "m", files=(first, second)))


def test_a_training_file_named_like_a_chosen_public_set_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "data" / "jigsaw_toxic"
    root.mkdir(parents=True)
    with gzip.open(root / "text_comment_1.csv.gz", "wt", encoding="utf-8") as handle:
        pd.DataFrame({"comment_text": ["nice edit", "you idiot"], "labels": [0, 1]}).to_csv(handle, index=False)
    mine = _file(tmp_path / "jigsaw.csv")
    request = TrainingRequest(out=tmp_path / "m", files=(mine,), public=("jigsaw",), data_dir=tmp_path / "data")
    with pytest.raises(ConfigError, match="named 'jigsaw'"):
        gather(request)


def test_seeds_without_any_validation_auc_keep_the_first_seed() -> None:
    """A validation split of one class gives every run a NaN AUC: choose_run crashed after all the training."""
    index, report = choose_run([{"seed": 5, "validation_auc": math.nan}, {"seed": 8, "validation_auc": math.nan}])
    assert index == 0 and report["chosen_seed"] == 5 and "no run has a validation AUC" in report["rule"]


def test_spelling_robustness_skips_posts_without_a_toxic_label() -> None:
    """A file named jigsaw with empty labels crashed the run (NaN cast to int, then 'multiclass' ROC AUC)."""
    frame = pd.DataFrame(
        {
            "text": ["you idiot", "nice day", "stupid moron", "hello there", "who knows"],
            "toxic": [1.0, 0.0, 1.0, 0.0, np.nan],
            "split": "test",
        }
    )
    clf = SimpleNamespace(
        labels_=["toxic"], predict_proba=lambda texts: np.array([[float("idiot" in t or "moron" in t)] for t in texts])
    )
    rows = spelling_robustness(clf, [LabelledSet("jigsaw", frame, ())])
    assert rows and all(row["n"] == 4 for row in rows)
    assert rows[0]["roc_auc"] == 1.0


@pytest.mark.parametrize("label", ["text", "split"])
def test_a_label_named_like_a_column_of_the_training_tables_is_refused(tmp_path: Path, label: str) -> None:
    """``--labels text`` replaced every post by its label value ('0.0', '1.0') and trained on that, silently."""
    data = tmp_path / "weird.csv"
    pd.DataFrame({"post": ["you idiot", "nice day"], label: [1, 0]}).to_csv(data, index=False)
    request = TrainingRequest(out=tmp_path / "m", labels=(label,), files=(data,), text_col="post")
    with pytest.raises(ConfigError, match=f"cannot be named {label}"):
        gather(request)


def test_per_dataset_thresholds_skip_sets_without_the_models_label() -> None:
    """``--labels insult --data mine.csv --public jigsaw`` crashed with KeyError 'insult' after training."""
    from core.training.figures import dataset_tuned_metrics

    public = pd.DataFrame(
        {"text": list("abcd"), "toxic": [1.0, 0, 1, 0], "hate": np.nan, "split": ["validation"] * 2 + ["test"] * 2}
    )
    mine = public.rename(columns={"toxic": "insult"}).drop(columns="hate")
    clf = SimpleNamespace(labels_=["insult"], predict_proba=lambda texts: np.array([[t in "ac"] for t in texts], float))
    rows = dataset_tuned_metrics(clf, [LabelledSet("jigsaw", public, ()), LabelledSet("mine", mine, ())])
    assert [(row["dataset"], row["label"]) for row in rows] == [("mine", "insult")]


def test_copies_of_a_post_in_a_users_file_share_one_side_of_the_split(tmp_path: Path) -> None:
    texts = [f"post number {i}" for i in range(300)]
    texts += [t.upper() + "!" for t in texts[:100]]  # the same posts again, in other case and punctuation
    data = tmp_path / "mine.csv"
    pd.DataFrame({"text": texts, "toxic": [i % 2 for i in range(len(texts))]}).to_csv(data, index=False)
    (user_set,) = gather(TrainingRequest(out=tmp_path / "model", labels=("toxic",), files=(data,)))
    splits = user_set.frame["split"].tolist()
    assert all(splits[i] == splits[300 + i] for i in range(100))  # a random split by row put copies on both sides
    assert {"train", "validation", "test"} <= set(splits)
