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
        "--split-seed",
        type=int,
        default=13,
        metavar="N",
        help="seed of the random train/validation/test splits, apart from --seed (default 13)",
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="with --debias, skip the comparison run without debiasing"
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
        if not sep or label not in labels:
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
    )
    from core.training.pipeline import TrainingRequest, train  # TensorFlow and scikit-learn: only when training

    request = TrainingRequest(
        out=args.out,
        labels=labels,
        files=tuple(args.data),
        text_col=args.text_col,
        label_columns=mapping,
        debias=DebiasConfig(
            sentences_per_phrase=args.debias_sentences, identity_weight=args.identity_weight, seed=config.seed
        )
        if args.debias
        else None,
        compare_baseline=not args.no_baseline,
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
