"""``python -m core explain``: token attributions for one text or a file of posts.

Two forms::

    python -m core explain --text TEXT [--label L] [--model DIR] [--json]
    python -m core explain INPUT [--text-col NAME] [--limit N] [--label L] [--model DIR] -o OUTPUT

The first prints each label's score, base value and tokens with ``start``,
``end`` and ``value``; the second writes the tidy table (``row``, ``label``,
``token``, ``start``, ``end``, ``value``). The work is done by the pure
functions :func:`text_report`, :func:`format_text_report` and
:func:`explain_rows`, which take a ``predict_fn`` and can be tested without a
model; :func:`run` only wires them to the model and files.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from core.cli.common import printable
from core.errors import ModLensError
from core.explain.config import ExplainConfig
from core.explain.predict import PredictFn
from core.explain.progress import ProgressFn
from core.io.encoding import without_lone_surrogates
from core.io.export import write_table
from core.io.targets import check_output_file

ROW_COLUMNS = ["row", "label", "token", "start", "end", "value"]


def register(subparsers: Any) -> None:
    """Add the ``explain`` subcommand to the CLI's subparsers."""
    from core.cli import common

    parser = subparsers.add_parser(
        "explain",
        help="Show which words drive a post's scores (SHAP token attributions).",
        description=(
            "Explain the model's scores with SHAP token attributions. Give --text for one post "
            "(printed), or an INPUT file of posts and -o OUTPUT for a table with one row per token."
        ),
    )
    parser.add_argument("input", nargs="?", help="File of posts (CSV, TSV, JSON Lines, Parquet or Excel).")
    parser.add_argument("--text", help="Explain this one text instead of a file.")
    parser.add_argument("--label", help="Explain only this label (default: all of the model's labels).")
    parser.add_argument("--limit", type=int, help="Explain only the first N posts of INPUT.")
    parser.add_argument("-o", "--output", help="Where to write the table (.csv, .parquet or .jsonl).")
    parser.add_argument("--json", action="store_true", help="With --text, print JSON instead of a table.")
    parser.add_argument(
        "--max-evals",
        type=int,
        default=ExplainConfig.max_evals,
        help=f"Model evaluations per post (default {ExplainConfig.max_evals}).",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=ExplainConfig.batch_size,
        help=f"Masked texts per model call (default {ExplainConfig.batch_size}).",
    )
    common.add_model_option(parser)
    common.add_text_col_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``explain`` with parsed arguments; return the exit code."""
    from core.cli import common

    _check_args(args)
    config = ExplainConfig(max_evals=args.max_evals, batch_size=args.batch_size)
    model = common.load_model_from_args(args)
    labels = list(model.labels_)
    if args.label is not None:
        common.label_index(model, args.label)
    if args.text is not None:
        text = without_lone_surrogates(args.text)  # bytes of the command line that are not UTF-8
        report = text_report(text, model.predict_proba, labels, label=args.label, config=config)
        common.print_notes(report["notes"])
        if args.json:
            print(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            print(format_text_report(report))
        return 0

    from core.io.posts import read_posts

    posts = read_posts(args.input, text_col=getattr(args, "text_col", None))
    common.print_notes(posts.notes)
    notes: list[str] = []
    table = explain_rows(
        posts.texts,
        model.predict_proba,
        labels,
        label=args.label,
        limit=args.limit,
        config=config,
        progress=stderr_progress(sys.stderr),
        notes=notes,
    )
    common.print_notes(notes)
    write_table(table, args.output, inputs=(args.input,))
    n_posts = len(posts.texts) if args.limit is None else min(args.limit, len(posts.texts))
    print(f"Wrote {len(table)} token rows for {n_posts} posts to {args.output}.")
    return 0


def _check_args(args: argparse.Namespace) -> None:
    """Reject argument combinations that have no meaning, saying what to do instead."""
    if (args.text is None) == (args.input is None):
        raise ModLensError("Give either --text TEXT or an INPUT file to explain (one of them, not both).")
    if args.text is not None and args.output is not None:
        raise ModLensError("-o is for an INPUT file; with --text the result is printed (add --json for JSON).")
    if args.text is not None and args.limit is not None:
        raise ModLensError("--limit is for an INPUT file; --text explains that one text. Leave out --limit.")
    if args.text is not None and getattr(args, "text_col", None) is not None:
        raise ModLensError("--text-col is for an INPUT file; --text explains that one text. Leave out --text-col.")
    if args.input is not None:
        if args.output is None:
            raise ModLensError("Give the output file with -o OUTPUT (.csv, .parquet or .jsonl).")
        if args.json:
            raise ModLensError("--json only applies with --text; the INPUT form writes a table with -o.")
        if args.limit is not None and args.limit < 1:
            raise ModLensError(f"--limit must be at least 1, not {args.limit}.")
        check_output_file(Path(args.output), inputs=(args.input,))  # before the (long) run, not after


def text_report(
    text: str,
    predict_fn: PredictFn,
    labels: Sequence[str],
    *,
    label: str | None = None,
    config: ExplainConfig | None = None,
) -> dict[str, Any]:
    """JSON-ready explanation of one text: per label, score, base value and tokens.

    Returns
    -------
    dict
        ``{"text": ..., "labels": [{"label", "score", "base_value", "tokens":
        [{"token", "start", "end", "value"}, ...]}, ...]}`` with tokens in text order.

    """
    from core.explain.shap_values import explain_text

    result = explain_text(text, predict_fn, labels, label=label, config=config)
    entries = []
    for post in result.posts.itertuples(index=False):
        rows = result.for_post(post.post_id, post.label)
        entries.append(
            {
                "label": post.label,
                "score": float(post.score),
                "base_value": float(post.base_value),
                "tokens": [
                    {"token": str(t), "start": int(s), "end": int(e), "value": float(v)}
                    for t, s, e, v in zip(rows["token"], rows["start"], rows["end"], rows["value"], strict=True)
                ],
            }
        )
    return {"text": text, "labels": entries, "notes": [*result.notes, *word_cap_notes(result.posts)]}


def word_cap_notes(posts: pd.DataFrame) -> list[str]:
    """A note for each post with more words than get an attribution (``ExplainConfig.max_tokens``).

    Parameters
    ----------
    posts
        ``Attributions.posts``: ``post_id``, ``n_tokens``, ``n_explained``.

    Returns
    -------
    list of str
        One note per such post, in order: without it the token table would look complete
        while the values do not add up to the post's score minus its base value.

    """
    capped = posts[posts["n_explained"] < posts["n_tokens"]].drop_duplicates("post_id")
    return [
        f"Post {post_id} has {int(total):,} words; only its first {int(done):,} got an attribution (the words "
        "after them stay in the post and count for its score)."
        for post_id, total, done in zip(capped["post_id"], capped["n_tokens"], capped["n_explained"], strict=True)
    ]


def format_text_report(report: dict[str, Any]) -> str:
    """Plain-text table of a :func:`text_report`, one block per label."""
    lines: list[str] = []
    for entry in report["labels"]:
        if lines:
            lines.append("")
        lines.append(f"{entry['label']}: score {entry['score']:.4f}, base value {entry['base_value']:.4f}")
        if not entry["tokens"]:
            lines.append("  (no words to explain)")
            continue
        lines.append(f"  {'start':>5} {'end':>5} {'value':>9}  token")
        for token in entry["tokens"]:
            lines.append(
                f"  {token['start']:>5} {token['end']:>5} {token['value']:>+9.4f}  {printable(token['token'])}"
            )
    return "\n".join(lines)


def explain_rows(
    texts: Sequence[str],
    predict_fn: PredictFn,
    labels: Sequence[str],
    *,
    label: str | None = None,
    limit: int | None = None,
    config: ExplainConfig | None = None,
    progress: ProgressFn | None = None,
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """Tidy attribution table for the first ``limit`` texts (all when None).

    ``notes``, when given, receives the explainer's notes (a post explained from its start only).

    Returns
    -------
    pandas.DataFrame
        Columns ``row`` (position of the post in the input), ``label``,
        ``token``, ``start``, ``end``, ``value``; ordered by row, then label in
        model order, then position in the text.

    """
    from core.explain.shap_values import explain_texts

    chosen = list(texts[:limit] if limit is not None else texts)
    result = explain_texts(chosen, predict_fn, labels, label=label, config=config, progress=progress)
    if notes is not None:
        notes.extend([*result.notes, *word_cap_notes(result.posts)])
    table = result.tokens.rename(columns={"post_id": "row"})
    return table[ROW_COLUMNS].reset_index(drop=True)


def stderr_progress(stream: TextIO, every: int | None = None) -> ProgressFn:
    """Progress callback printing ``Explained i/n posts`` about 20 times per run."""

    def progress(done: int, total: int) -> bool:
        step = every or max(1, total // 20)
        if done == total or done % step == 0:
            print(f"Explained {done}/{total} posts", file=stream, flush=True)
        return True

    return progress
