"""``python -m core evaluate INPUT --label-col NAME [--label L] [--text-col NAME] [--model DIR] [--json]``."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from core.cli.common import (
    add_model_option,
    add_text_col_option,
    label_for_column,
    load_model_from_args,
    print_notes,
    printable,
)
from core.io.posts import read_posts
from core.scoring import score_texts


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``evaluate`` subcommand."""
    parser = subparsers.add_parser(
        "evaluate",
        help="metrics of the model on a labelled file",
        description="Metrics of the model on a labelled file.",
    )
    parser.add_argument("input", type=Path, metavar="INPUT")
    parser.add_argument(
        "--label-col", required=True, metavar="NAME", help="column with 0/1, true/false or fractional labels"
    )
    parser.add_argument(
        "--label",
        default=None,
        metavar="L",
        help="model label to evaluate (default: the one named like --label-col, else the first)",
    )
    add_text_col_option(parser)
    add_model_option(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Score the file and print n, positives, ROC AUC, PR AUC, precision, recall, F1."""
    from core.evaluation.metrics import evaluate_scores  # scikit-learn: imported only by the command that needs it

    posts = read_posts(args.input, text_col=args.text_col, label_cols=[args.label_col])
    print_notes(posts.notes)
    model = load_model_from_args(args)
    column = label_for_column(model, args.label, args.label_col)
    label = model.labels_[column]
    scores = score_texts(model, posts.texts)[:, column]
    metrics = {
        "label": label,
        **evaluate_scores(posts.labels(args.label_col), scores, threshold=model.thresholds_[label]),
    }
    if args.json:
        print(json.dumps({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in metrics.items()}))
    else:
        for key, value in metrics.items():
            shown = f"{value:.4f}" if isinstance(value, float) else printable(str(value))
            print(f"{key:>10}  {shown}")
    return 0
