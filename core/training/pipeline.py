"""Train a model directory end to end: gather data, fit, evaluate per dataset, write the card.

Used by ``python -m core train`` (and so by ``make default-model``) and by the
dashboard's Model page. Data comes from the user's labelled files and/or the
public datasets in ``../shared/data`` (see :mod:`core.training.datasets`).
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.errors import ConfigError, InputError, ModLensError
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
from core.training.contrast import ContrastConfig
from core.training.datasets import DEFAULT_DATA_DIR, LabelledSet, load_all
from core.training.debias import MAX_WEIGHT, DebiasConfig
from core.training.dedup import keyed_split, text_key
from core.training.figures import (
    CachedScores,
    check_headlines,
    dataset_tuned_metrics,
    debias_summary,
    evaluate_sets,
    headline_metrics,
)
from core.training.mix import (
    AUGMENTATION_SET,
    CONTRAST_SET,
    calibration_rows,
    check_dataset_weights,
    stack,
    training_rows,
)
from core.training.seeds import choose_run, run_summary
from core.training.set_checks import set_checks
from core.training.validate import check_number, check_whole

FRAME_COLUMNS = ("text", "split", "source", "level", "group")
"""Columns of the training tables besides the labels (:class:`~core.training.datasets.LabelledSet`)."""
MAX_APPENDIX_BYTES = 1_000_000
"""Largest card appendix read (``--card-appendix``); the shipped ones are a few kilobytes."""


@dataclass(frozen=True)
class TrainingRequest:
    """What to train on and how.

    ``files`` are the user's labelled files; ``label_columns`` maps model labels to
    column names in them (by default a column named like the label, or ``label``
    for the first label). ``public`` names datasets from ``data_dir`` (``all`` for every one).
    ``split_seed`` draws the random train/validation/test splits. It is kept apart from the
    model's training seed (``config.seed``), so runs with different training seeds are judged
    on the same held-out posts and never train on each other's test posts.
    ``dataset_weights`` scale each set's share of the loss (default 1); ``contrast`` adds the
    project's contrast pairs, ``identity_swap`` identity-swapped copies of that share of the
    training posts that mention a group, ``obfuscate`` perturbed-spelling copies of that share
    of the training rows. With several ``seeds`` one model is trained per seed and the one chosen by
    :func:`core.training.seeds.choose_run` is saved, with every run's figures in the metadata.
    ``read_normalizer`` (``robust2`` for a ``robust`` config) makes the kept model read posts
    through that normaliser before it is evaluated and saved (:meth:`ToxicityClassifier.read_through`).
    ``dataset_offsets`` gives each training set a learned offset to each label's logit while
    training (:class:`core.model.fitting.GroupOffsets`), so base rates that differ between
    the sets are not learned from the words typical of a set.
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
    dataset_weights: dict[str, float] = field(default_factory=dict)
    contrast: ContrastConfig | None = None
    obfuscate: float = 0.0
    identity_swap: float = 0.0
    seeds: tuple[int, ...] = ()
    card_appendix: Path | None = None
    read_normalizer: str | None = None
    dataset_offsets: bool = False

    def __post_init__(self) -> None:
        """Refuse a request out of range before any data is read: these failed minutes into a run, or after it."""
        if self.read_normalizer is not None and (self.config.normalizer, self.read_normalizer) != ("robust", "robust2"):
            raise ConfigError(
                f"--read-normalizer {self.read_normalizer} needs --normalizer robust (the model is trained with it "
                f"and then reads posts through robust2); this request trains with '{self.config.normalizer}'."
            )
        if not self.labels or len(set(self.labels)) != len(self.labels):
            raise ConfigError(f"Give each model label once, e.g. toxic,hate; not {','.join(self.labels) or 'none'}.")
        check_whole("--split-seed", self.split_seed, 0, 2**32 - 1)
        for seed in self.seeds:
            check_whole("Each of --seeds", seed, 0, 2**32 - 1)
        if len(set(self.seeds)) != len(self.seeds):
            raise ConfigError(f"--seeds lists a seed twice ({','.join(map(str, self.seeds))}); give each seed once.")
        for name, weight in self.dataset_weights.items():
            check_number(f"--dataset-weight {name}", weight, 0.0, MAX_WEIGHT)
        check_number("--obfuscate", self.obfuscate, 0.0, 1.0, high_included=False)
        check_number("--identity-swap", self.identity_swap, 0.0, 1.0)


def gather(request: TrainingRequest) -> list[LabelledSet]:
    """Load every training source of a request as labelled sets with splits.

    Sets are named by dataset, and a user's file by its name without the extension; two sets
    of one name are refused, since the name keys the card, the per-set metrics and the weights.
    """
    reserved = [label for label in request.labels if label in FRAME_COLUMNS]
    if reserved:
        raise ConfigError(
            f"A model label cannot be named {', '.join(reserved)} (the training tables use that column name). "
            f"Name it otherwise with --labels and read it with --label-col NAME={reserved[0]}."
        )
    _check_set_names([path.stem for path in request.files], request.files)
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
        _check_set_names([s.name for s in found] + [path.stem for path in request.files], request.files)
    for path in request.files:
        sets.append(_user_set(path, request))
    if not sets:
        raise ModLensError("Nothing to train on. Give --data FILE and/or --public NAME.")
    return sets


def _check_set_names(names: Sequence[str], files: Sequence[Path]) -> None:
    """Refuse two training sets of one name, or a file named like the project's own training sentences."""
    for name in dict.fromkeys(names):
        clashing = [str(path) for path in files if path.stem == name]
        if name in (AUGMENTATION_SET, CONTRAST_SET) or names.count(name) > 1:
            raise ConfigError(
                f"Two training sets would be named '{name}' ({', '.join(clashing)}"
                f"{'' if len(clashing) > 1 else ' and a dataset of that name'}): a --data file is named by its "
                "file name without the extension, which keys the model card, the per-set metrics and "
                "--dataset-weight. Rename or copy the file to another name."
            )


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
    read_as: list[str] = []
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
            read_as.append(f"{label} = column '{column}'".replace("|", "\\|"))  # a cell of the card's table
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
    # keyed by the normalised text: copies of one post in the file share a side of the split, so
    # no test post was also trained on (a random split by position put copies on both sides)
    frame["split"] = keyed_split([text_key(text) for text in posts.texts], request.split_seed, f"user-{digest}")
    # the file's own mapping: never a public dataset's, even when the file is named like one
    unknown = [label for label in request.labels if np.isnan(matrix[label]).all()]
    mapping = "; ".join(read_as + ([f"{', '.join(unknown)} unknown (masked)"] if unknown else [])) + "."
    return LabelledSet(path.stem, frame, (path,), mapping=mapping)


def _fit(
    request: TrainingRequest,
    sets: Sequence[LabelledSet],
    debias: DebiasConfig | None,
    progress: ProgressCallback | None,
    log: Any,
    config: ModelConfig | None = None,
) -> tuple[ToxicityClassifier, int, int]:
    """Fit one classifier on the train splits (plus the project's augmentations), calibrated on validation."""
    config = config or request.config
    rows, weights = training_rows(
        sets,
        request.labels,
        debias=debias,
        contrast=request.contrast,
        obfuscate=request.obfuscate,
        identity_swap=request.identity_swap,
        dataset_weights=request.dataset_weights,
        seed=config.seed,
    )
    validation = stack(sets, "validation", request.labels)
    calibration = calibration_rows(sets, request.labels)
    if log:
        names = ", ".join(dict.fromkeys(rows.sources))
        log(f"Training on {len(rows.texts):,} posts, validating on {len(validation.texts):,} ({names}).")
        log(f"Seed {config.seed}.")
    clf = ToxicityClassifier(labels=request.labels, config=config)
    has_validation = len(validation.texts) > 0
    clf.fit(
        rows.texts,
        rows.y,
        validation=(validation.texts, validation.y) if has_validation else None,
        validation_groups=validation.sources if has_validation and len(sets) > 1 else None,
        sample_weight=weights,
        calibration=(calibration.texts, calibration.y) if len(calibration.texts) else None,
        progress=progress,
        sample_groups=rows.sources if request.dataset_offsets else None,
    )
    return clf, len(rows.texts), len(validation.texts)


def _fit_seeds(
    request: TrainingRequest, sets: Sequence[LabelledSet], progress: ProgressCallback | None, log: Any
) -> tuple[ToxicityClassifier, int, int, dict[str, Any] | None]:
    """One fit per seed of ``request.seeds`` (or just ``config.seed``); the chosen run and every run's figures."""
    seeds = request.seeds or (request.config.seed,)
    runs = []
    for seed in seeds:
        config = request.config.with_overrides(seed=seed)
        # the project's sentences are drawn per seed, so each run has its own count of training rows
        clf, n_train, n_validation = _fit(request, sets, request.debias, progress, log, config)
        runs.append((clf, n_train, run_summary(clf, seed, evaluate_sets(clf, sets, "test"))))
    if len(runs) == 1:
        return runs[0][0], n_train, n_validation, None
    chosen, report = choose_run([summary for _, _, summary in runs])
    if log:
        log(f"Seeds {', '.join(map(str, seeds))}: keeping seed {seeds[chosen]} ({report['rule']}).")
    return runs[chosen][0], runs[chosen][1], n_validation, report


def train(request: TrainingRequest, progress: ProgressCallback | None = None, log: Any = None) -> ToxicityClassifier:
    """Fit a classifier on the request's data, evaluate it and save the model directory.

    With ``request.debias`` and ``request.compare_baseline`` an identical run without
    debiasing is trained first, so the card can report before and after.
    """
    started = time.time()
    check_model_target(request.out, overwrite=request.overwrite)  # before hours of training, not after
    appendix = _read_appendix(request.card_appendix) if request.card_appendix is not None else None
    sets = gather(request)
    check_dataset_weights(request.dataset_weights, sets, request.debias, request.contrast)
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
    clf, n_train, n_validation, seed_runs = _fit_seeds(request, sets, progress, log)
    if request.read_normalizer is not None:
        clf.read_through(request.read_normalizer)  # evaluated and saved as it will read posts
    scorer = CachedScores(clf)  # the checks score some splits several times
    evaluation = evaluate_sets(scorer, sets, "test")
    checks = run_checks(scorer, data_dir)
    checks.update(set_checks(scorer, sets))
    checks["dataset_tuned"] = dataset_tuned_metrics(scorer, sets)
    metadata: dict[str, Any] = {
        "name": request.name,
        "command": request.command,
        "training_seconds": round(time.time() - started, 1),
        "training_data": {s.name: s.summary(tuple(dict.fromkeys((*DEFAULT_LABELS, *request.labels)))) for s in sets},
        "split_seed": request.split_seed,
        "n_train": n_train,
        "n_validation": n_validation,
        "evaluation": evaluation,
        "headline": {**headline_metrics(evaluation), **check_headlines(checks)},
        "checks": checks,
        "recipe": {
            "dataset_weights": dict(request.dataset_weights),
            "contrast": asdict(request.contrast) if request.contrast else None,
            "obfuscate": request.obfuscate,
            "identity_swap": request.identity_swap,
            "seeds": list(request.seeds or (clf.config.seed,)),
            "read_normalizer": request.read_normalizer,
            "dataset_offsets": request.dataset_offsets,
        },
    }
    if seed_runs is not None:
        metadata["seed_runs"] = seed_runs
    if appendix is not None:
        metadata["card_appendix"] = appendix
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


def _read_appendix(path: Path) -> str:
    """Markdown added at the end of the model card (e.g. how the recipe was chosen), read before training.

    A regular file of at most :data:`MAX_APPENDIX_BYTES`, so a wrong path (a device, a
    huge file) fails in a second instead of after the training it would have thrown away.
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise InputError(f"The card appendix '{path}' is not a regular file. Give a UTF-8 Markdown file.")
        with open(path, "rb") as handle:
            data = handle.read(MAX_APPENDIX_BYTES + 1)
        if len(data) > MAX_APPENDIX_BYTES:
            raise InputError(
                f"The card appendix '{path}' is larger than {MAX_APPENDIX_BYTES // 1_000_000} MB. "
                "Give a shorter Markdown file."
            )
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read the card appendix '{path}' ({exc}). Give a UTF-8 Markdown file.") from exc


def _with_known_labels(request: TrainingRequest, sets: Sequence[LabelledSet], log: Any) -> TrainingRequest:
    """The request for the labels that have known values in the training data.

    A label that no training post has a value for (a file with only a ``toxic`` column, say)
    cannot be learned: the new model leaves it out rather than give it untrained scores.
    """
    y = stack(sets, "train", request.labels).y
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
