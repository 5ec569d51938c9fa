"""``python -m core bias INPUT --label-col NAME [--label L] [--group-cols a,b,...] [--threshold T] [--json]``.

Without ``--group-cols`` the identity groups are detected in the text with
the project's identity lexicon. The work is done by :func:`bias_report`,
which takes loaded data and a score function, so it is testable without a
model.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.bias.config import MAX_BOOTSTRAP, BiasConfig
from core.bias.final_metric import final_bias_metric, overall_auc
from core.bias.groups import groups_from_columns, match_identities
from core.bias.inputs import OVERALL
from core.bias.lexicon import Lexicon, load_lexicon
from core.bias.metrics import bias_metrics
from core.bias.templates import ScoreFn
from core.errors import ModLensError

JSON_GROUP_KEYS = ("group", "n", "subgroup_auc", "bpsn_auc", "bnsp_auc", "fpr", "fnr")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``bias`` subcommand."""
    from core.cli.common import add_model_option, add_text_col_option

    parser = subparsers.add_parser(
        "bias",
        help="identity-bias breakdown of the model on a labelled file",
        description="Subgroup, BPSN and BNSP AUC and error rates per identity group, "
        "the overall AUC and the Jigsaw 2019 final bias metric.",
    )
    parser.add_argument("input", type=Path, metavar="INPUT")
    parser.add_argument(
        "--label-col", required=True, metavar="NAME", help="column with 0/1, true/false or fractional labels"
    )
    parser.add_argument(
        "--label",
        default=None,
        metavar="L",
        help="model label to score (default: --label-col if the model has it, else the first)",
    )
    add_text_col_option(parser)
    parser.add_argument(
        "--group-cols",
        default=None,
        metavar="a,b,...",
        help="identity columns (0/1 or fractions, >= 0.5 is a member); default: detect groups in the text",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        metavar="T",
        help="flagging threshold (default: the model's for the label)",
    )
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=BiasConfig.n_bootstrap,
        metavar="N",
        help=f"bootstrap resamples for the confidence intervals (0 to {MAX_BOOTSTRAP:,}; 0 skips them)",
    )
    parser.add_argument(
        "--min-group-size",
        type=int,
        default=BiasConfig.min_group_size,
        metavar="N",
        help="smaller groups get no metrics",
    )
    add_model_option(parser)
    parser.add_argument("--json", action="store_true", help="print JSON (without confidence intervals)")
    parser.set_defaults(func=run)


def parse_group_cols(value: str | None) -> list[str] | None:
    """``'a, b,,a'`` -> ``['a', 'b']``; None (or only commas) -> None (use the lexicon)."""
    if value is None:
        return None
    names = list(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    return names or None


def identity_groups(
    frame: pd.DataFrame,
    texts: Sequence[str],
    group_cols: Sequence[str] | None,
    lexicon: Lexicon | None = None,
) -> pd.DataFrame:
    """Membership from ``group_cols`` or, when None, from the lexicon over ``texts``."""
    if group_cols:
        return groups_from_columns(frame, group_cols).reset_index(drop=True)
    return match_identities(texts, lexicon or load_lexicon()).groups


def bias_report(
    y_true: npt.ArrayLike,
    texts: Sequence[str],
    score_fn: ScoreFn,
    groups: pd.DataFrame,
    config: BiasConfig,
) -> pd.DataFrame:
    """Score the texts and compute the per-group bias table.

    Parameters
    ----------
    y_true : array-like
        Labels, 1/0/NaN.
    texts : sequence of str
        Post texts, in the order of ``y_true``.
    score_fn : callable
        ``list[str] -> ndarray`` of one probability per text.
    groups : DataFrame of bool
        Identity membership per post (see :func:`identity_groups`).
    config : BiasConfig
        Threshold, bootstrap and minimum group size.

    """
    scores = np.asarray(score_fn(list(texts)), dtype=np.float64).ravel()
    return bias_metrics(y_true, scores, groups=groups, config=config)


def _number(value: object) -> object:
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def report_json(table: pd.DataFrame, config: BiasConfig) -> dict[str, object]:
    """The ``--json`` document: overall AUC, final metric and one entry per group (NaN -> None)."""
    groups = table[table["group"] != OVERALL]
    return {
        "overall_auc": _number(overall_auc(table)),
        "final_bias_metric": _number(
            final_bias_metric(table, power=config.power, overall_weight=config.overall_weight)
        ),
        "groups": [{key: _number(row[key]) for key in JSON_GROUP_KEYS} for _, row in groups.iterrows()],
    }


def _with_ci(row: pd.Series, metric: str) -> str:
    value, low, high = row[metric], row[f"{metric}_low"], row[f"{metric}_high"]
    if math.isnan(value):
        return "-"
    if math.isnan(low) or math.isnan(high):
        return f"{value:.3f}"
    return f"{value:.3f} [{low:.3f}, {high:.3f}]"


def report_text(table: pd.DataFrame, config: BiasConfig, *, label: str = "") -> str:
    """Readable report: a summary line, a table per group and the notes.

    Group names (identity column names of the user's file) and the label have
    their control characters escaped, so a file cannot drive the terminal.
    """
    from core.cli.common import printable

    final = final_bias_metric(table, power=config.power, overall_weight=config.overall_weight)
    overall = table[table["group"] == OVERALL].iloc[0]
    head = (
        f"{printable(label) + ': ' if label else ''}{int(overall['n'])} posts, threshold {config.threshold:.3f}, "
        f"overall AUC {_with_ci(overall, 'subgroup_auc')}, final bias metric "
        f"{'-' if math.isnan(final) else f'{final:.4f}'}"
    )
    shown = pd.DataFrame(
        {
            "group": [printable(group) for group in table["group"]],
            "n": table["n"],
            "positives": table["positives"],
            **{
                name: [_with_ci(row, metric) for _, row in table.iterrows()]
                for metric, name in (
                    ("subgroup_auc", "subgroup AUC"),
                    ("bpsn_auc", "BPSN AUC"),
                    ("bnsp_auc", "BNSP AUC"),
                    ("fpr", "FPR"),
                    ("fnr", "FNR"),
                )
            },
        }
    )
    notes = [
        f"  {printable(group)}: {printable(note)}"
        for group, note in zip(table["group"], table["note"], strict=True)
        if note and note != "all posts"
    ]
    ci = f"{config.confidence:.0%} bootstrap intervals in brackets" if config.n_bootstrap else ""
    parts = [head, "", shown.to_string(index=False), ""]
    if ci:
        parts.append(ci)
    if notes:
        parts += ["Notes:", *notes]
    return "\n".join(parts)


def run(args: argparse.Namespace) -> int:
    """Read the posts, score them with the model and print the bias report."""
    from core.cli.common import label_for_column, load_model_from_args, print_notes
    from core.io.posts import read_posts
    from core.scoring import score_texts

    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        raise ModLensError(f"--threshold must be between 0 and 1, got {args.threshold}.")
    if not 0 <= args.bootstrap <= MAX_BOOTSTRAP:
        raise ModLensError(f"--bootstrap must be from 0 to {MAX_BOOTSTRAP}, got {args.bootstrap}.")
    if args.min_group_size < 1:
        raise ModLensError(f"--min-group-size must be at least 1, got {args.min_group_size}.")
    posts = read_posts(args.input, text_col=args.text_col, label_cols=[args.label_col])
    print_notes(posts.notes)
    groups = identity_groups(posts.frame, posts.texts, parse_group_cols(args.group_cols))
    model = load_model_from_args(args)
    column = label_for_column(model, args.label, args.label_col)
    label = model.labels_[column]
    threshold = args.threshold if args.threshold is not None else model.thresholds_[label]
    config = BiasConfig(
        threshold=float(threshold),
        n_bootstrap=0 if args.json else args.bootstrap,
        min_group_size=args.min_group_size,
    )

    def score_fn(texts: list[str]) -> np.ndarray:
        return score_texts(model, texts)[:, column]

    table = bias_report(posts.labels(args.label_col), posts.texts, score_fn, groups, config)
    if args.json:
        print(json.dumps(report_json(table, config)))
    else:
        print(report_text(table, config, label=label))
    return 0
