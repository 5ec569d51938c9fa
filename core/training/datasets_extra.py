"""Loaders of the datasets added for the v4 default model (more Jigsaw, Civil Comments spans, DynaHate, ...).

The six sets: jigsaw_more, civil_comments_spans, dynahate, gab_hate, sbic and stormfront.
Each returns a frame like the older loaders' (``core.training.datasets`` wraps it as a ``LabelledSet``). Their
splits are keyed (:func:`core.training.dedup.keyed_split`): a hash of the normalised text,
or of a group (DynaHate perturbation groups, Stormfront posts), so copies and
groups stay on one side. Official test splits are kept where the source has one
(DynaHate, Gab, SBIC). Labels a source does not define are NaN (masked in the loss).
The mapping is in :data:`EXTRA_LABEL_MAPPING` and the model card.

Extra frame columns: ``source`` (the file or part a row came from), ``level``
(DynaHate: ``original`` / ``perturbation``) and ``group`` (the id that keeps
related rows together).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from core.training.dedup import connected_groups, keyed_split, text_key
from core.training.frames import labelled_frame as _frame

Loaded = tuple[pd.DataFrame, tuple[Path, ...]]
"""A loader's result: the labelled frame and the files it was read from."""

EXTRA_LABEL_MAPPING: dict[str, str] = {
    "jigsaw_more": "toxic = Jigsaw `toxic`; hate = `identity_hate` where given (subsets file), 0 for non-toxic rows, "
    "masked for toxic rows without it. The balanced Kaggle-test file and the subsets file are split 80/10/10; the "
    "all-non-toxic train file is used for training only (never validation or test).",
    "civil_comments_spans": "toxic = fewer than half of the span annotators said 'not toxic'; hate masked. All posts "
    "were rated toxic in Civil Comments, so the negatives are hard (borderline) ones.",
    "dynahate": "hate = `label` hate; toxic = 1 for hate, masked for nothate (which includes abuse of non-protected "
    "targets). Perturbation groups (`acl.id.matched`) kept on one side: a group is test when most of it is in the "
    "official test split, else train/validation.",
    "gab_hate": "hate = majority `label`; toxic = 1 for hate, masked otherwise (non-hateful Gab posts may still be "
    "vulgar). Official `eval` split kept for testing.",
    "sbic": "toxic = `offensiveYN` >= 0.5; hate = 1 when offensive and aimed at a group (`whoTarget` >= 0.5), 0 when "
    "not offensive, masked for offensive posts aimed at individuals. Official `tst` split kept for testing.",
    "stormfront": "hate = `hate` label; toxic = 1 for hate, masked otherwise; `relation` (hateful only with context) "
    "masked and `idk/skip` dropped. Sentences of one post stay on one side of the split.",
}
EXTRA_FOLDERS = {
    "jigsaw_more": "jigsaw_more",
    "civil_comments_spans": "civil_comments_spans",
    "dynahate": "dynahate",
    "gab_hate": "gab_hate",
    "sbic": "sbic",
    "stormfront": "stormfront",
}


def _split_by_text(frame: pd.DataFrame, seed: int, name: str, **fractions: float) -> np.ndarray:
    return keyed_split(frame["text"].map(text_key).tolist(), seed, name, **fractions)


def _jigsaw_more(root: Path, seed: int) -> Loaded:
    folder = root / "jigsaw_more"
    files = (
        folder / "jigsaw2018_test_labelled_balanced.csv.gz",
        folder / "jigsaw2018_subsets.csv.gz",
        folder / "jigsaw2018_train_nontoxic.csv.gz",
    )
    balanced, subsets, nontoxic = (pd.read_csv(path) for path in files)
    toxic_b = balanced["toxic"].to_numpy(float)
    parts = [
        _frame(balanced["comment_text"], toxic_b, np.where(toxic_b == 0, 0.0, np.nan), "", source="test_balanced"),
        _frame(subsets["comment_text"], subsets["toxic"], subsets["identity_hate"], "", source="subsets"),
    ]
    frame = pd.concat(parts, ignore_index=True)
    frame["split"] = _split_by_text(frame, seed, "jigsaw_more")
    zeros = np.zeros(len(nontoxic))
    rest = _frame(nontoxic["comment_text"], zeros, zeros, "train", source="train_nontoxic")
    return (pd.concat([frame, rest], ignore_index=True), files)


def _civil_comments_spans(root: Path, seed: int) -> Loaded:
    path = root / "civil_comments_spans" / "civil_comments_toxic_spans.csv.gz"
    raw = pd.read_csv(path)
    frame = _frame(raw["comment_text"], raw["toxic"], np.full(len(raw), np.nan), "")
    frame["split"] = _split_by_text(frame, seed, "civil_comments_spans")
    return (frame, (path,))


def _dynahate(root: Path, seed: int) -> Loaded:
    path = root / "dynahate" / "dynahate_dev_test.csv.gz"
    raw = pd.read_csv(path)
    ids = raw["acl.id"].astype(str).tolist()
    links = [link if isinstance(link, str) else None for link in raw["acl.id.matched"]]
    groups = pd.Series(connected_groups(ids, links))
    test_share = (raw["split"] == "test").groupby(groups).mean()
    in_test = groups.map(test_share).to_numpy() >= 0.5
    rest = keyed_split(groups.tolist(), seed, "dynahate", validation=0.15, test=0.0)
    hate = raw["hate"].to_numpy(float)
    frame = _frame(
        raw["text"],
        np.where(hate == 1, 1.0, np.nan),
        hate,
        np.where(in_test, "test", rest),
        level=raw["level"].to_numpy(),
        group=groups.to_numpy(),
    )
    return (frame, (path,))


def _gab_hate(root: Path, seed: int) -> Loaded:
    path = root / "gab_hate" / "gab_hate_corpus.csv.gz"
    raw = pd.read_csv(path)
    hate = raw["label"].to_numpy(float)
    frame = _frame(raw["clean_text"], np.where(hate == 1, 1.0, np.nan), hate, "")
    rest = _split_by_text(frame, seed, "gab_hate", validation=0.1, test=0.0)
    frame["split"] = np.where(raw["split"].to_numpy() == "eval", "test", rest)
    return (frame, (path,))


def _sbic(root: Path, seed: int) -> Loaded:
    path = root / "sbic" / "sbic_agg_dev_tst.csv.gz"
    raw = pd.read_csv(path)
    offensive = (raw["offensiveYN"].to_numpy(float) >= 0.5).astype(float)
    group_aimed = raw["whoTarget"].fillna(0).to_numpy(float) >= 0.5
    hate = np.where(offensive == 0, 0.0, np.where(group_aimed, 1.0, np.nan))
    frame = _frame(raw["post"], offensive, hate, "", source=raw["dataSource"].astype(str).to_numpy())
    rest = _split_by_text(frame, seed, "sbic", validation=0.1, test=0.0)
    frame["split"] = np.where(raw["split"].to_numpy() == "tst", "test", rest)
    return (frame, (path,))


def _stormfront(root: Path, seed: int) -> Loaded:
    path = root / "stormfront" / "stormfront.csv.gz"
    raw = pd.read_csv(path)
    raw = raw[raw["label"] != "idk/skip"].reset_index(drop=True)
    hate = np.where(raw["label"] == "hate", 1.0, np.where(raw["label"] == "noHate", 0.0, np.nan))
    posts = raw["file_id"].astype(str).str.rsplit("_", n=1).str[0]
    frame = _frame(
        raw["text"],
        np.where(hate == 1, 1.0, np.nan),
        hate,
        keyed_split(posts.tolist(), seed, "stormfront"),
        group=posts.to_numpy(),
    )
    return (frame, (path,))


EXTRA_LOADERS: dict[str, Callable[[Path, int], Loaded]] = {
    "jigsaw_more": _jigsaw_more,
    "civil_comments_spans": _civil_comments_spans,
    "dynahate": _dynahate,
    "gab_hate": _gab_hate,
    "sbic": _sbic,
    "stormfront": _stormfront,
}
