"""Load the public datasets in ``../shared/data`` and map their labels to ``toxic`` / ``hate``.

Each loader returns a :class:`LabelledSet`: texts, a ``toxic`` and a ``hate``
column (1, 0 or NaN where the dataset does not say) and a split column
(``train`` / ``validation`` / ``test``). Official test splits are used where a
dataset has one (OLID, HateXplain); elsewhere a seeded 80/10/10 split.
The mapping is documented in :data:`LABEL_MAPPING` and copied into the model card.

:func:`load_all` then drops duplicate posts across every set (:func:`core.training.dedup.deduplicate`):
the test splits of the sets the v3 model was evaluated on (:data:`PROTECTED`) stay exactly
as they were, and no copy of a test post is left in any other split.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import ModLensError
from core.model.labels import DEFAULT_LABELS
from core.paths import PROJECT_ROOT
from core.training.datasets_extra import EXTRA_FOLDERS, EXTRA_LABEL_MAPPING, EXTRA_LOADERS
from core.training.dedup import deduplicate
from core.training.frames import clean_text, labelled_frame  # noqa: F401 (clean_text: part of this module's API)

DEFAULT_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"

LABEL_MAPPING: dict[str, str] = {
    "jigsaw": "toxic = Jigsaw `toxic`; hate unknown (masked). Rows 0-9,999 of the 2018 train set.",
    "davidson": "toxic = offensive or hate (class 0 or 1); hate = class 0 (hate speech).",
    "olid": "toxic = subtask A `OFF`; hate unknown (masked). Official test set kept for testing.",
    "hatexplain": "toxic = majority offensive or hatespeech; hate = majority hatespeech. Official validation/test.",
    "mlma": "toxic = any hostility label (not single `normal`); hate = `hateful` present, 0 for `normal`, "
    "masked otherwise.",
    "ethos": "hate = toxic = isHate >= 0.5; toxic = 0 only when isHate = 0, masked for 0 < isHate < 0.5.",
    "toxigen": "hate = toxic = `hate` seed sentence; 0 for `neutral` (curated seed sentences, implicit hate).",
    **EXTRA_LABEL_MAPPING,
}
PROTECTED: frozenset[str] = frozenset({"jigsaw", "davidson", "olid", "hatexplain", "mlma", "ethos", "toxigen"})
"""Sets whose test split is frozen: the v3 default model was evaluated on exactly those posts."""


@dataclass(frozen=True)
class LabelledSet:
    """One dataset mapped to the model's labels."""

    name: str
    frame: pd.DataFrame
    """Columns: ``text``, ``toxic``, ``hate`` (float, NaN unknown), ``split``; some sets add ``source``,
    ``level`` or ``group`` (see :mod:`core.training.datasets_extra`)."""
    files: tuple[Path, ...]
    dropped: dict[str, int] = field(default_factory=dict)
    """Rows removed as copies of other posts (see :func:`core.training.dedup.deduplicate`)."""
    mapping: str | None = None
    """How the set's labels were read, for the card; None: the public dataset's entry of :data:`LABEL_MAPPING`."""

    def summary(self, labels: Sequence[str] = DEFAULT_LABELS) -> dict[str, object]:
        """Row counts per split and label, plus file hashes, for the model card.

        ``labels`` that the set has no column for are left out (a user's file with
        other labels than ``toxic`` / ``hate``).
        """
        counts = {split: int((self.frame["split"] == split).sum()) for split in ("train", "validation", "test")}
        known_labels = {
            label: {
                "known": int(self.frame[label].notna().sum()),
                "positive": int((self.frame[label] == 1).sum()),
            }
            for label in labels
            if label in self.frame
        }
        return {
            "rows": len(self.frame),
            "splits": counts,
            "labels": known_labels,
            "mapping": LABEL_MAPPING.get(self.name, "") if self.mapping is None else self.mapping,
            "dropped_copies": dict(self.dropped),
            "files": {str(p.name): _sha256(p) for p in self.files},
        }


def load_all(data_dir: Path = DEFAULT_DATA_DIR, seed: int = 13) -> list[LabelledSet]:
    """Load every dataset found in ``data_dir``, without duplicate posts across splits; raise if none is there."""
    sets = []
    for loader in LOADERS.values():
        try:
            sets.append(loader(data_dir, seed))
        except FileNotFoundError:
            continue
    if not sets:
        raise ModLensError(f"No public datasets found in '{data_dir}'. Point --data-dir at the shared data folder.")
    kept = deduplicate([(s.name, s.frame) for s in sets], PROTECTED)
    return [LabelledSet(s.name, frame, s.files, dropped) for s, (frame, dropped) in zip(sets, kept, strict=True)]


def available(data_dir: Path = DEFAULT_DATA_DIR) -> list[str]:
    """Names of the datasets whose folder exists in ``data_dir``."""
    return [name for name, folder in _FOLDERS.items() if (data_dir / folder).is_dir()]


def random_split(n: int, seed: int, name: str, validation: float = 0.1, test: float = 0.1) -> np.ndarray:
    """Seeded train/validation/test assignment, different per dataset name."""
    rng = np.random.default_rng([seed, int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)])
    draw = rng.random(n)
    return np.where(draw < test, "test", np.where(draw < test + validation, "validation", "train"))


def _jigsaw(root: Path, seed: int) -> LabelledSet:
    path = root / "jigsaw_toxic" / "text_comment_1.csv.gz"
    raw = pd.read_csv(path)
    nan = np.full(len(raw), np.nan)
    frame = labelled_frame(raw["comment_text"], raw["labels"].to_numpy(), nan, random_split(len(raw), seed, "jigsaw"))
    return LabelledSet("jigsaw", frame, (path,))


def _davidson(root: Path, seed: int) -> LabelledSet:
    path = root / "davidson" / "labeled_data.csv.gz"
    raw = pd.read_csv(path, index_col=0)
    cls = raw["class"].to_numpy()
    frame = labelled_frame(raw["tweet"], cls <= 1, cls == 0, random_split(len(raw), seed, "davidson"))
    return LabelledSet("davidson", frame, (path,))


def _olid(root: Path, seed: int) -> LabelledSet:
    folder = root / "olid"
    train = pd.read_csv(folder / "olid-training-v1.0.tsv.gz", sep="\t")
    test = pd.read_csv(folder / "testset-levela.tsv", sep="\t").merge(
        pd.read_csv(folder / "labels-levela.csv"), on="id", how="inner"
    )
    split = np.where(
        random_split(len(train), seed, "olid", validation=0.1, test=0.0) == "validation", "validation", "train"
    )
    parts = [
        labelled_frame(train["tweet"], train["subtask_a"] == "OFF", np.full(len(train), np.nan), split),
        labelled_frame(test["tweet"], test["label"] == "OFF", np.full(len(test), np.nan), "test"),
    ]
    files = (folder / "olid-training-v1.0.tsv.gz", folder / "testset-levela.tsv", folder / "labels-levela.csv")
    return LabelledSet("olid", pd.concat(parts, ignore_index=True), files)


def _majority(labels: list[int]) -> int:
    values, counts = np.unique(labels, return_counts=True)
    return int(values[np.argmax(counts)])


def _hatexplain(root: Path, seed: int) -> LabelledSet:
    folder = root / "hatexplain"
    train = pd.read_csv(folder / "hatexplain_train_derived.csv.gz")
    parts = [labelled_frame(train["text"], train["majority_label"] != 1, train["majority_label"] == 0, "train")]
    files = [folder / "hatexplain_train_derived.csv.gz"]
    for split, file in (("validation", "hatexplain_validation.jsonl.gz"), ("test", "hatexplain_test.jsonl.gz")):
        raw = pd.read_json(folder / file, lines=True)
        majority = np.array([_majority(a["label"]) for a in raw["annotators"]])
        texts = raw["post_tokens"].map(" ".join)
        parts.append(labelled_frame(texts, majority != 1, majority == 0, split))
        files.append(folder / file)
    return LabelledSet("hatexplain", pd.concat(parts, ignore_index=True), tuple(files))


def _mlma(root: Path, seed: int) -> LabelledSet:
    path = root / "mlma" / "en_dataset_with_stop_words.csv.gz"
    raw = pd.read_csv(path)
    sentiment = raw["sentiment"].fillna("").str.split("_")
    normal = sentiment.map(lambda s: s == ["normal"]).to_numpy()
    hateful = sentiment.map(lambda s: "hateful" in s).to_numpy()
    hate = np.where(hateful, 1.0, np.where(normal, 0.0, np.nan))
    text = raw["tweet"].str.replace("@URL", "URL", regex=False)
    frame = labelled_frame(text, ~normal, hate, random_split(len(raw), seed, "mlma"))
    return LabelledSet("mlma", frame, (path,))


def _ethos(root: Path, seed: int) -> LabelledSet:
    path = root / "ethos" / "Ethos_Dataset_Binary.csv"
    raw = pd.read_csv(path, sep=";")
    share = raw["isHate"].to_numpy(dtype=float)
    hate = (share >= 0.5).astype(float)
    toxic = np.where(share >= 0.5, 1.0, np.where(share == 0, 0.0, np.nan))
    frame = labelled_frame(raw["comment"], toxic, hate, random_split(len(raw), seed, "ethos"))
    return LabelledSet("ethos", frame, (path,))


def _toxigen(root: Path, seed: int) -> LabelledSet:
    path = root / "toxigen" / "toxigen_prompt_sentences_derived.csv"
    raw = pd.read_csv(path).drop_duplicates("text")
    hate = (raw["prompt_label"] == "hate").to_numpy(dtype=float)
    frame = labelled_frame(raw["text"], hate, hate, random_split(len(raw), seed, "toxigen"))
    return LabelledSet("toxigen", frame, (path,))


def _labelled(name: str, load: Callable[[Path, int], tuple[pd.DataFrame, tuple[Path, ...]]]) -> Callable:
    """A loader of :mod:`core.training.datasets_extra` that returns a :class:`LabelledSet`."""

    def loader(root: Path, seed: int) -> LabelledSet:
        frame, files = load(root, seed)
        return LabelledSet(name, frame, files)

    return loader


LOADERS: dict[str, Callable[[Path, int], LabelledSet]] = {
    "jigsaw": _jigsaw,
    "davidson": _davidson,
    "olid": _olid,
    "hatexplain": _hatexplain,
    "mlma": _mlma,
    "ethos": _ethos,
    "toxigen": _toxigen,
    **{
        name: (lambda root, seed, n=name, load=load: LabelledSet(n, *load(root, seed)))
        for name, load in EXTRA_LOADERS.items()
    },
}
_FOLDERS = {
    "jigsaw": "jigsaw_toxic",
    "davidson": "davidson",
    "olid": "olid",
    "hatexplain": "hatexplain",
    "mlma": "mlma",
    "ethos": "ethos",
    "toxigen": "toxigen",
    **EXTRA_FOLDERS,
}


def load_jigsaw_samples(data_dir: Path = DEFAULT_DATA_DIR) -> pd.DataFrame:
    """Jigsaw comments from the Kaggle *test* set (IBM sample): unseen in training."""
    raw = pd.read_csv(data_dir / "jigsaw_toxic" / "multilabel_samples" / "ibm_max_test_examples.csv")
    return raw


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe(sets: list[LabelledSet]) -> str:
    """JSON summary of loaded sets (for logs)."""
    return json.dumps({s.name: s.summary()["splits"] for s in sets})
