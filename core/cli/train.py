"""``python -m core train --data FILE [--data FILE ...] [--public NAME ...] --out DIR [--preset seed|default] ...``."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from core.errors import ConfigError, ModLensError
from core.model.artifact import check_model_target
from core.model.config import preset
from core.model.progress import TrainingProgress
from core.training.debias import DebiasConfig


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``train`` subcommand."""
    parser = subparsers.add_parser(
        "train", help="train and save a model directory", description="Train and save a model directory."
    )
    parser.add_argument(
        "--data", type=Path, action="append", default=[], metavar="FILE", help="labelled file (repeatable)"
    )
    parser.add_argument(
        "--public",
        action="append",
        default=[],
        metavar="NAME",
        help="public dataset from --data-dir, or 'all' (repeatable)",
    )
    parser.add_argument(
        "--data-dir", type=Path, default=None, metavar="DIR", help="folder of public datasets (default ../shared/data)"
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="model directory to write (a new folder)"
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace --out when it already holds a ModLens model (nothing else)"
    )
    parser.add_argument("--preset", default="default", choices=["seed", "default"])
    parser.add_argument("--labels", default="toxic,hate", help="model labels, comma-separated (default toxic,hate)")
    parser.add_argument(
        "--label-col",
        action="append",
        default=[],
        metavar="LABEL=COLUMN",
        help="map a model label to a column of --data files",
    )
    parser.add_argument("--text-col", default=None, metavar="NAME")
    parser.add_argument("--name", default=None, help="model name for the card")
    parser.add_argument("--pooling", choices=["last", "maxavg"], default=None, help="LSTM output pooling")
    parser.add_argument(
        "--debias", action="store_true", help="add harmless/hostile identity sentences and re-weight identity posts"
    )
    parser.add_argument(
        "--debias-sentences",
        type=int,
        default=DebiasConfig.sentences_per_phrase,
        metavar="N",
        help=f"augmentation sentences per kind and identity phrase (default {DebiasConfig.sentences_per_phrase})",
    )
    parser.add_argument(
        "--identity-weight",
        type=float,
        default=DebiasConfig.identity_weight,
        metavar="W",
        help=f"loss weight of non-toxic identity posts (default {DebiasConfig.identity_weight})",
    )
    parser.add_argument(
        "--identity-balance",
        type=float,
        default=0.0,
        metavar="CAP",
        help="weight each identity term's non-toxic posts by how often its posts are toxic or hateful, from "
        "--identity-weight up to CAP (0: off, the flat --identity-weight)",
    )
    parser.add_argument(
        "--split-seed",
        type=int,
        default=13,
        metavar="N",
        help="seed of the random train/validation/test splits, apart from --seed (default 13)",
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="with --debias, skip the comparison run without debiasing"
    )
    parser.add_argument(
        "--dataset-weight",
        action="append",
        default=[],
        metavar="NAME=W",
        help="loss weight of one training set: a --public name, a --data file's name without its extension, "
        "identity_augmentation or contrast_pairs (repeatable; default 1)",
    )
    parser.add_argument(
        "--contrast",
        type=int,
        default=0,
        metavar="N",
        help="add the project's contrast pairs, N fillings per template pair (0: off)",
    )
    parser.add_argument(
        "--obfuscate",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="add perturbed-spelling copies of this share of the training posts (0: off)",
    )
    parser.add_argument(
        "--identity-swap",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="add a copy with another group's name of this share of the posts that mention a group (0: off, 1: all)",
    )
    parser.add_argument(
        "--seeds",
        default=None,
        metavar="A,B,C",
        help="train one model per seed and keep the best within the seeds' spread (see the model card)",
    )
    parser.add_argument(
        "--card-appendix", type=Path, default=None, metavar="FILE", help="Markdown added at the end of the model card"
    )
    parser.add_argument(
        "--normalizer",
        choices=["basic", "robust", "robust2"],
        default=None,
        help="text normaliser in the graph (robust2: robust, also reading curly quotes, dashes etc. as ASCII)",
    )
    parser.add_argument(
        "--read-normalizer",
        choices=["robust2"],
        default=None,
        help="train with the robust normaliser, then save the model reading posts through robust2 (same weights)",
    )
    parser.add_argument(
        "--dataset-offsets",
        action="store_true",
        help="each training set learns its own offset to each label's logit while training (not saved)",
    )
    parser.add_argument(
        "--calibrated", action=argparse.BooleanOptionalAction, default=None, help="temperature-scale the scores"
    )
    for option, kind in (
        ("epochs", int),
        ("batch-size", int),
        ("vocab-size", int),
        ("sequence-length", int),
        ("lstm-units", int),
        ("embedding-dim", int),
        ("learning-rate", float),
        ("seed", int),
        ("dropout", float),
        ("embedding-dropout", float),
        ("patience", int),
        ("plateau-decay", float),
        ("weight-average", float),
        ("word-chars", int),
        ("char-filters", int),
    ):
        parser.add_argument(f"--{option}", type=kind, default=None)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Train, evaluate per dataset and save; a progress bar per epoch on stderr."""
    check_model_target(args.out, overwrite=args.overwrite)
    labels = tuple(label.strip() for label in args.labels.split(",") if label.strip())
    if not labels:
        raise ConfigError(f"--labels needs at least one label name (e.g. toxic,hate), not '{args.labels}'.")
    mapping = {}
    for item in args.label_col:
        label, sep, column = item.partition("=")
        if not sep or label not in labels or not column.strip():
            raise ModLensError(f"--label-col '{item}' must be LABEL=COLUMN with LABEL one of: {', '.join(labels)}.")
        mapping[label] = column
    config = preset(args.preset).with_overrides(
        epochs=args.epochs,
        batch_size=args.batch_size,
        vocab_size=args.vocab_size,
        sequence_length=args.sequence_length,
        lstm_units=args.lstm_units,
        embedding_dim=args.embedding_dim,
        learning_rate=args.learning_rate,
        seed=args.seed,
        dropout=args.dropout,
        embedding_dropout=args.embedding_dropout,
        pooling=args.pooling,
        patience=args.patience,
        plateau_decay=args.plateau_decay,
        weight_average=args.weight_average,
        normalizer=args.normalizer,
        word_chars=args.word_chars,
        char_filters=args.char_filters,
        calibrated=args.calibrated,
    )
    seeds = _seeds(args.seeds)
    if seeds:
        config = config.with_overrides(seed=seeds[0])
    weights = {}
    for item in args.dataset_weight:
        name, sep, value = item.partition("=")
        try:
            weight = float(value)
        except ValueError:
            weight = -1.0
        weights[name] = weight
        if not sep or not name or not 0 <= weight < float("inf"):
            raise ConfigError(f"--dataset-weight '{item}' must be NAME=W with W a number >= 0, e.g. davidson=0.5.")
    if args.contrast < 0:
        raise ConfigError(f"--contrast must be 0 (off) or a number of fillings per template pair; not {args.contrast}.")
    debias = DebiasConfig(  # built even without --debias: its options are checked whenever they are given
        sentences_per_phrase=args.debias_sentences,
        identity_weight=args.identity_weight,
        seed=config.seed,
        balance_cap=args.identity_balance,
    )
    from core.training.contrast import ContrastConfig
    from core.training.pipeline import TrainingRequest, train  # TensorFlow and scikit-learn: only when training

    request = TrainingRequest(
        out=args.out,
        labels=labels,
        files=tuple(args.data),
        text_col=args.text_col,
        label_columns=mapping,
        debias=debias if args.debias else None,
        compare_baseline=not args.no_baseline,
        dataset_weights=weights,
        contrast=ContrastConfig(fills_per_pair=args.contrast, seed=config.seed) if args.contrast > 0 else None,
        obfuscate=args.obfuscate,
        identity_swap=args.identity_swap,
        seeds=seeds,
        card_appendix=args.card_appendix,
        read_normalizer=args.read_normalizer,
        dataset_offsets=args.dataset_offsets,
        split_seed=args.split_seed,
        public=tuple(args.public),
        data_dir=args.data_dir,
        config=config,
        name=args.name or args.out.name,
        command="python -m core " + " ".join(shlex.quote(a) for a in args.argv),
        overwrite=args.overwrite,
    )
    clf = train(request, progress=_printer(), log=lambda line: print(line, file=sys.stderr))
    print(
        f"saved {args.out} (thresholds: {', '.join(f'{k}={v:.3f}' for k, v in clf.thresholds_.items())})",
        file=sys.stderr,
    )
    return 0


def _seeds(value: str | None) -> tuple[int, ...]:
    """``--seeds 13,21,34`` as integers (empty when not given)."""
    if value is None:
        return ()
    try:
        seeds = tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        seeds = ()
    if not seeds:
        raise ConfigError(f"--seeds '{value}' must be integers separated by commas, e.g. 13,21,34.")
    return seeds


def _printer():
    from tqdm import tqdm

    state: dict[str, object] = {}

    def show(event: TrainingProgress) -> None:
        bar = state.get("bar")
        if event.phase == "batch":
            if bar is None or state.get("epoch") != event.epoch:
                bar = tqdm(
                    total=event.batches, desc=f"epoch {event.epoch}/{event.epochs}", unit="batch", file=sys.stderr
                )
                state.update(bar=bar, epoch=event.epoch)
            bar.update(event.batch - bar.n)
            bar.set_postfix(loss=f"{event.loss:.4f}")
        else:
            if bar is not None:
                bar.close()
                state["bar"] = None
            print(f"epoch {event.epoch}: loss {event.loss:.4f}, validation AUC {event.val_auc:.4f}", file=sys.stderr)

    return show
