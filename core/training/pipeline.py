"""Train a model directory end to end: gather data, fit, evaluate per dataset, write the card.

Used by ``python -m core train`` (and so by ``make default-model``) and by the
dashboard's Model page. Data comes from the user's labelled files and/or the
public datasets in ``../shared/data`` (see :mod:`core.training.datasets`).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.errors import ModLensError
from core.evaluation.metrics import evaluate_scores
from core.io.atomic import atomic_write_text
from core.io.labels import parse_labels
from core.io.posts import read_posts
from core.model.artifact import CARD_FILE, check_model_target
from core.model.classifier import ProgressCallback, ToxicityClassifier
from core.model.config import ModelConfig, preset
from core.model.labels import DEFAULT_LABELS
from core.model.metadata import ModelMetadata, read_metadata
from core.training.card import render_card
from core.training.checks import run_checks
from core.training.datasets import DEFAULT_DATA_DIR, LabelledSet, load_all, random_split
from core.training.debias import AUGMENTATION_TEMPLATES, DebiasConfig, augmentation_frame, identity_weights


@dataclass(frozen=True)
class TrainingRequest:
    """What to train on and how.

    ``files`` are the user's labelled files; ``label_columns`` maps model labels to
    column names in them (by default a column named like the label, or ``label``
    for the first label). ``public`` names datasets from ``data_dir`` (``all`` for every one).
    ``split_seed`` draws the random train/validation/test splits. It is kept apart from the
    model's training seed (``config.seed``), so runs with different training seeds are judged
    on the same held-out posts and never train on each other's test posts.
    """

    out: Path
    labels: tuple[str, ...] = DEFAULT_LABELS
    files: tuple[Path, ...] = ()
    text_col: str | None = None
    label_columns: dict[str, str] = field(default_factory=dict)
    public: tuple[str, ...] = ()
    data_dir: Path | None = None
    config: ModelConfig = field(default_factory=lambda: preset("default"))
    name: str = "modlens-model"
    command: str = ""
    debias: DebiasConfig | None = None
    compare_baseline: bool = True
    split_seed: int = 13
    overwrite: bool = False
    """Replace ``out`` when it already holds a ModLens model (anything else there is always refused)."""


def gather(request: TrainingRequest) -> list[LabelledSet]:
    """Load every training source of a request as labelled sets with splits."""
    sets: list[LabelledSet] = []
    if request.public:
        kwargs: dict[str, Any] = {"seed": request.split_seed}
        if request.data_dir is not None:
            kwargs["data_dir"] = request.data_dir
        found = load_all(**kwargs)
        wanted = set(request.public)
        if "all" not in wanted:
            unknown = wanted - {s.name for s in found}
            if unknown:
                raise ModLensError(
                    f"Public dataset(s) not found: {', '.join(sorted(unknown))}. "
                    f"Available: {', '.join(s.name for s in found)}."
                )
            found = [s for s in found if s.name in wanted]
        sets.extend(found)
    for path in request.files:
        sets.append(_user_set(path, request))
    if not sets:
        raise ModLensError("Nothing to train on. Give --data FILE and/or --public NAME.")
    return sets


def _user_set(path: Path, request: TrainingRequest) -> LabelledSet:
    posts = read_posts(path, text_col=request.text_col)
    if posts.empty_mask.all():
        raise ModLensError(
            f"{path.name}: every post in column '{posts.text_col}' is empty, so there is nothing to learn from. "
            "Choose the text column with --text-col."
        )
    columns = {c.lower(): c for c in posts.frame.columns}
    matrix = {}
    found: list[str] = []
    for i, label in enumerate(request.labels):
        column = request.label_columns.get(label) or columns.get(label.lower())
        if column is None and i == 0 and "label" in columns:
            column = columns["label"]
        if column is not None and column not in posts.frame.columns:
            raise ModLensError(
                f"Label column '{column}' not found in {path.name}. Columns are: "
                f"{', '.join(posts.frame.columns)}. Map it with --label-col {label}=COLUMN."
            )
        # a label column without any value leaves that label out (see _with_known_labels)
        matrix[label] = np.full(len(posts), np.nan) if column is None else parse_labels(posts.frame[column], column)
        if column is not None:
            found.append(column)
    if all(np.isnan(v).all() for v in matrix.values()):
        if found:
            raise ModLensError(
                f"{path.name}: the label column(s) {', '.join(found)} hold no labels (every value is empty). "
                f"Choose a column of 0/1 labels with --label-col {request.labels[0]}=COLUMN."
            )
        raise ModLensError(
            f"{path.name} has no label column for {', '.join(request.labels)}. "
            f"Columns are: {', '.join(posts.frame.columns)}. Map one with --label-col {request.labels[0]}=COLUMN."
        )
    digest = hashlib.sha256(path.name.encode()).hexdigest()[:6]
    frame = pd.DataFrame({"text": posts.texts, **matrix})
    frame["split"] = random_split(len(frame), request.split_seed, f"user-{digest}")
    return LabelledSet(path.stem, frame, (path,))


def _stack(sets: Sequence[LabelledSet], split: str, labels: Sequence[str]) -> tuple[list[str], np.ndarray]:
    frames = [s.frame[s.frame["split"] == split] for s in sets]
    texts = [t for f in frames for t in f["text"].tolist()]
    y = (
        np.concatenate(
            [
                np.column_stack(
                    [f[label].to_numpy(dtype=float) if label in f else np.full(len(f), np.nan) for label in labels]
                )
                for f in frames
            ]
        )
        if frames
        else np.zeros((0, len(labels)))
    )
    return texts, y


def evaluate_sets(clf: ToxicityClassifier, sets: Sequence[LabelledSet], split: str = "test") -> list[dict[str, Any]]:
    """Metrics per dataset and label on one split (rows of a tidy table)."""
    rows = []
    for labelled in sets:
        part = labelled.frame[labelled.frame["split"] == split]
        if part.empty:
            continue
        scores = clf.predict_proba(part["text"].tolist())
        for j, label in enumerate(clf.labels_):
            if label not in part or part[label].notna().sum() == 0:
                continue
            metrics = evaluate_scores(part[label].to_numpy(float), scores[:, j], threshold=clf.thresholds_[label])
            rows.append({"dataset": labelled.name, "label": label, "split": split, **metrics})
    return rows


def _fit(
    request: TrainingRequest,
    sets: Sequence[LabelledSet],
    debias: DebiasConfig | None,
    progress: ProgressCallback | None,
    log: Any,
) -> tuple[ToxicityClassifier, int, int]:
    """Fit one classifier on the train splits (plus augmentation when debiasing)."""
    training_sets = list(sets)
    if debias is not None and debias.augment:
        augmentation = augmentation_frame(debias)
        training_sets.append(LabelledSet("identity_augmentation", augmentation, (AUGMENTATION_TEMPLATES,)))
    texts, y = _stack(training_sets, "train", request.labels)
    val_texts, y_val = _stack(sets, "validation", request.labels)
    val_groups = [s.name for s in sets for _ in range(int((s.frame["split"] == "validation").sum()))]
    weights = identity_weights(texts, y, debias.identity_weight) if debias is not None else None
    if log:
        names = ", ".join(s.name for s in training_sets)
        log(f"Training on {len(texts):,} posts, validating on {len(val_texts):,} ({names}).")
    clf = ToxicityClassifier(labels=request.labels, config=request.config)
    validation = (val_texts, y_val) if len(val_texts) else None
    clf.fit(
        texts,
        y,
        validation=validation,
        validation_groups=val_groups if validation and len(sets) > 1 else None,
        sample_weight=weights,
        progress=progress,
    )
    return clf, len(texts), len(val_texts)


def debias_summary(clf: ToxicityClassifier, evaluation: list[dict[str, Any]], checks: dict[str, Any]) -> dict[str, Any]:
    """Numbers compared before and after debiasing: held-out AUC and the templated identity test."""
    table = pd.DataFrame(evaluation)
    template = checks.get("templated_identity", {})
    return {
        "mean_test_roc_auc": {label: float(rows["roc_auc"].mean()) for label, rows in table.groupby("label")}
        if not table.empty
        else {},
        "templated_final_bias_metric": template.get("final_bias_metric"),
        "templated_min_subgroup_auc": template.get("min_subgroup_auc"),
        "templated_min_term_auc": template.get("min_term_auc"),
        "templated_harmless_flag_rate": template.get("harmless_flag_rate"),
        "functional_accuracy": checks.get("functional", {}).get("accuracy"),
    }


def train(request: TrainingRequest, progress: ProgressCallback | None = None, log: Any = None) -> ToxicityClassifier:
    """Fit a classifier on the request's data, evaluate it and save the model directory.

    With ``request.debias`` and ``request.compare_baseline`` an identical run without
    debiasing is trained first, so the card can report before and after.
    """
    started = time.time()
    check_model_target(request.out, overwrite=request.overwrite)  # before hours of training, not after
    sets = gather(request)
    request = _with_known_labels(request, sets, log)
    data_dir = request.data_dir or DEFAULT_DATA_DIR
    before = None
    if request.debias is not None and request.compare_baseline:
        if log:
            log("Training the baseline without debiasing, for the before/after comparison.")
        baseline, _, _ = _fit(request, sets, None, progress, log)
        base_eval = evaluate_sets(baseline, sets, "test")
        before = debias_summary(baseline, base_eval, run_checks(baseline, data_dir))
        if log:
            log("Training with debiasing.")
    clf, n_train, n_validation = _fit(request, sets, request.debias, progress, log)
    evaluation = evaluate_sets(clf, sets, "test")
    checks = run_checks(clf, data_dir)
    checks["dataset_tuned"] = dataset_tuned_metrics(clf, sets)
    metadata: dict[str, Any] = {
        "name": request.name,
        "command": request.command,
        "training_seconds": round(time.time() - started, 1),
        "training_data": {s.name: s.summary() for s in sets},
        "split_seed": request.split_seed,
        "n_train": n_train,
        "n_validation": n_validation,
        "evaluation": evaluation,
        "headline": headline_metrics(evaluation),
        "checks": checks,
    }
    if request.debias is not None:
        metadata["debias"] = {
            "config": asdict(request.debias),
            "before": before,
            "after": debias_summary(clf, evaluation, checks),
        }
    clf.save(request.out, metadata=metadata, card="", overwrite=request.overwrite)
    card = render_card(_reload_metadata(request.out))
    atomic_write_text(Path(request.out) / CARD_FILE, card)
    return clf


def _with_known_labels(request: TrainingRequest, sets: Sequence[LabelledSet], log: Any) -> TrainingRequest:
    """The request for the labels that have known values in the training data.

    A label that no training post has a value for (a file with only a ``toxic`` column, say)
    cannot be learned: the new model leaves it out rather than give it untrained scores.
    """
    _, y = _stack(sets, "train", request.labels)
    known = [label for j, label in enumerate(request.labels) if np.isfinite(y[:, j]).any()]
    if not known:
        raise ModLensError(
            f"No training post has a value for {', '.join(request.labels)}. "
            "Choose the column that holds the labels (0/1), or add labelled posts."
        )
    missing = [label for label in request.labels if label not in known]
    if missing and log:
        log(f"No training post has a value for {', '.join(missing)}: the new model scores {', '.join(known)} only.")
    return replace(request, labels=tuple(known)) if missing else request


def _reload_metadata(directory: Path) -> ModelMetadata:
    return read_metadata(Path(directory))


def headline_metrics(evaluation: list[dict[str, Any]]) -> dict[str, float]:
    """A few numbers for the home page: pooled-mean ROC AUC per label and OLID macro-F1."""
    table = pd.DataFrame(evaluation)
    headline: dict[str, float] = {}
    if table.empty:
        return headline
    for label, rows in table.groupby("label"):
        headline[f"mean_test_roc_auc_{label}"] = float(rows["roc_auc"].mean())
    jigsaw = table[(table["dataset"] == "jigsaw") & (table["label"] == "toxic")]
    if not jigsaw.empty:
        headline["jigsaw_toxic_roc_auc"] = float(jigsaw["roc_auc"].iloc[0])
    olid = table[(table["dataset"] == "olid") & (table["label"] == "toxic")]
    if not olid.empty:
        headline["olid_macro_f1"] = float(olid["macro_f1"].iloc[0])
    return {k: v for k, v in headline.items() if not math.isnan(v)}


def dataset_tuned_metrics(clf: ToxicityClassifier, sets: Sequence[LabelledSet]) -> list[dict[str, Any]]:
    """Test metrics with the ``toxic`` threshold re-chosen on each dataset's own validation split.

    Published results (e.g. OLID macro-F1) tune on the dataset's own data; this shows
    what a team that picks its threshold on its own labelled sample would get.
    """
    from sklearn.metrics import f1_score

    rows = []
    column = clf.labels_.index("toxic") if "toxic" in clf.labels_ else 0
    label = clf.labels_[column]
    for labelled in sets:
        frame = labelled.frame[labelled.frame[label].notna()]
        val, test = frame[frame["split"] == "validation"], frame[frame["split"] == "test"]
        if val.empty or test.empty or val[label].nunique() < 2:
            continue
        val_scores = clf.predict_proba(val["text"].tolist())[:, column]
        candidates = np.unique(np.round(val_scores, 3))
        best = max(candidates, key=lambda t: f1_score(val[label], val_scores >= t, average="macro"))
        test_scores = clf.predict_proba(test["text"].tolist())[:, column]
        metrics = evaluate_scores(test[label].to_numpy(float), test_scores, threshold=float(best))
        rows.append({"dataset": labelled.name, "label": label, **metrics})
    return rows
