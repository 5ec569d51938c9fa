"""``python -m core review import|decide|export|stats``: review queues from the command line.

::

    review import FILE --queue NAME [--text-col C] [--id-col C] [--author-col C] [--rule flagged|all]
    review decide --queue NAME [--as USER] --action ACTION (--item ID | --max-score L=V | --min-score L=V)
                  [--reason CODE] [--note TEXT]
    review export --queue NAME -o FILE
    review stats --queue NAME --json

``import`` scores the file with the active model (or ``--model DIR``) and saves the
batch and its queue in one transaction. Actions are done as ``--as USER``; while no
account exists the demo admin is used. Once accounts exist, ``import`` and ``decide``
need ``--as`` (they are recorded); ``export`` and ``stats`` only read.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli.common import (
    add_actor_option,
    add_database_option,
    add_model_option,
    add_text_col_option,
    progress_bar,
)
from core.errors import ModLensError

if TYPE_CHECKING:
    from core.store.db import Database
    from core.store.roles import Actor

ACTIONS = ("approve", "remove", "escalate", "skip")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``review`` subcommand and its actions."""
    parser = subparsers.add_parser("review", help="review queues: import, decide, export, stats")
    actions = parser.add_subparsers(dest="review_action", required=True, metavar="ACTION")

    imp = actions.add_parser("import", help="score a file and save it as a batch with a review queue")
    imp.add_argument("input", type=Path, metavar="FILE")
    imp.add_argument("--queue", required=True, metavar="NAME")
    add_text_col_option(imp)
    imp.add_argument("--id-col", default=None, metavar="C", help="the file's post id (default: found by name)")
    imp.add_argument("--author-col", default=None, metavar="C", help="column with the author (default: found by name)")
    imp.add_argument("--rule", choices=("flagged", "all"), default="flagged", help="posts to queue (default: flagged)")
    add_model_option(imp)
    add_actor_option(imp)

    decide = actions.add_parser("decide", help="decide one post, or every pending post in a score range")
    decide.add_argument("--queue", required=True, metavar="NAME")
    add_actor_option(decide)
    decide.add_argument("--action", required=True, choices=ACTIONS)
    target = decide.add_mutually_exclusive_group(required=True)
    target.add_argument("--item", default=None, metavar="ID", help="the post's id in the file")
    target.add_argument("--max-score", default=None, metavar="LABEL=VALUE", help="every pending post <= VALUE")
    target.add_argument("--min-score", default=None, metavar="LABEL=VALUE", help="every pending post >= VALUE")
    decide.add_argument("--reason", default=None, metavar="CODE")
    decide.add_argument("--note", default=None, metavar="TEXT")

    export = actions.add_parser("export", help="write one row per post with its decision (.csv or .parquet)")
    export.add_argument("--queue", required=True, metavar="NAME")
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    add_actor_option(export)

    stats = actions.add_parser("stats", help="progress of a queue")
    stats.add_argument("--queue", required=True, metavar="NAME")
    stats.add_argument("--json", action="store_true")
    add_actor_option(stats)

    for action in actions.choices.values():
        add_database_option(action)
    parser.set_defaults(func=run)


def parse_bound(value: str, option: str) -> tuple[str, float]:
    """``'toxic=0.05'`` -> ``('toxic', 0.05)``."""
    label, sep, number = value.partition("=")
    try:
        bound = float(number)
    except ValueError:
        bound = math.nan
    if not sep or not label.strip() or not math.isfinite(bound):
        raise ModLensError(f"{option} '{value}' must be LABEL=VALUE, e.g. {option} toxic=0.05.")
    return label.strip(), bound


def resolve_actor(db: Database, name: str | None, *, recorded: bool) -> Actor:
    """``--as USER``; without it the demo admin (no accounts yet) or, for reads, the operator."""
    from core.store.roles import demo_actor, operator_actor
    from core.store.users import has_users, user_actor

    if name is not None:
        return user_actor(db, name)
    if not has_users(db):
        return demo_actor()
    if recorded:
        raise ModLensError("Accounts exist, so say who does this: add --as USER.")
    return operator_actor()


def run(args: argparse.Namespace) -> int:
    """Carry out one review action."""
    from core.store.connect import open_database

    db = open_database(args.database)
    handler = {"import": _import, "decide": _decide, "export": _export, "stats": _stats}[args.review_action]
    return handler(db, args)


def _import(db: Database, args: argparse.Namespace) -> int:
    from core.cli.common import load_model_from_args, print_notes
    from core.io.columns import find_author_column, find_id_column, id_column_problem, naming_id_column
    from core.io.posts import read_posts
    from core.registry import model_version_label
    from core.scoring import score_texts
    from core.store.batches import BatchInput, save_batch
    from core.store.queues import QueueRequest, check_queue_name
    from core.store.roles import Permission, require
    from core.store.rules import AllPosts, Flagged

    actor = resolve_actor(db, args.as_user, recorded=True)
    require(actor, Permission.CREATE_QUEUE)  # fail before scoring; the service checks again
    check_queue_name(db, args.queue)
    posts = read_posts(args.input, text_col=args.text_col)
    for option, column in (("--id-col", args.id_col), ("--author-col", args.author_col)):
        if column is not None and column not in posts.frame.columns:
            raise ModLensError(f"{option} '{column}' is not a column of the file. Choose an existing column.")
    if args.id_col is not None:  # chosen: it must name every post, or --item could not find one
        problem = id_column_problem(posts.frame[args.id_col])
        if problem is not None:
            raise ModLensError(f"--id-col: {problem} Choose another column, or leave --id-col out for row numbers.")
        id_col = args.id_col
    else:  # found by name: used only when it names every post (as on the Score page), else row numbers
        id_col = naming_id_column(posts.frame, posts.text_col)
        found = find_id_column([c for c in posts.frame.columns if c != posts.text_col])
        if found is not None and id_col is None:
            problem = id_column_problem(posts.frame[found])
            print_notes([f"{problem} Posts are named by row number (--id-col picks a column)."])
    author_col = args.author_col or find_author_column(
        [c for c in posts.frame.columns if c not in {posts.text_col, id_col}]
    )
    model = load_model_from_args(args)
    model_dir = args.model or _active_dir()
    with progress_bar(len(posts), desc="scoring") as bar:
        scores = score_texts(model, posts.texts, progress=lambda e: bar.update(e.done - bar.n))
    batch = BatchInput(
        frame=posts.frame,
        text_col=posts.text_col,
        scores=scores,
        labels=tuple(model.labels_),
        thresholds=dict(model.thresholds_),
        model_version=model_version_label(model_dir),
        file_name=posts.source_name,
        content_hash=posts.content_hash,
        id_col=id_col,
        author_col=author_col,
    )
    rule = Flagged() if args.rule == "flagged" else AllPosts()
    saved = save_batch(db, actor, batch, queue=QueueRequest(name=args.queue, rule=rule))
    assert saved.queue is not None
    print(
        f"queue '{saved.queue.name}': {saved.queue.size} of {saved.row_count} posts ({saved.queue.rule_text}); "
        f"batch {saved.id}"
    )
    return 0


def _active_dir() -> Path:
    from core.registry import active_model_dir

    return active_model_dir()


def _decide(db: Database, args: argparse.Namespace) -> int:
    from core.store.claims import find_item
    from core.store.decisions import ScoreFilter, bulk_decide, decide

    actor = resolve_actor(db, args.as_user, recorded=True)
    if args.item is not None:
        item_id = find_item(db, actor, args.queue, args.item)
        done = decide(db, actor, item_id, args.action, reason=args.reason, note=args.note)
        print(f"post {args.item}: {done.action} by {done.reviewer} (now {done.status})")
        return 0
    if args.max_score is not None:
        label, bound = parse_bound(args.max_score, "--max-score")
        where = ScoreFilter(label, max_score=bound)
    else:
        label, bound = parse_bound(args.min_score, "--min-score")
        where = ScoreFilter(label, min_score=bound)
    result = bulk_decide(db, actor, args.queue, args.action, where, reason=args.reason, note=args.note)
    held = f"; {result.skipped_claimed} left alone (being reviewed)" if result.skipped_claimed else ""
    print(f"{result.decided} posts: {result.action} by rule '{result.rule_text}'{held}")
    return 0


def _export(db: Database, args: argparse.Namespace) -> int:
    from core.store.exports import export_decisions

    actor = resolve_actor(db, args.as_user, recorded=False)
    path = export_decisions(db, actor, args.queue, args.output)
    print(f"wrote {path}")
    return 0


def _stats(db: Database, args: argparse.Namespace) -> int:
    from core.store.stats import queue_stats

    actor = resolve_actor(db, args.as_user, recorded=False)
    stats = queue_stats(db, actor, args.queue)
    if args.json:
        print(json.dumps(stats.to_json()))
        return 0
    print(f"queue '{stats.queue}' ({stats.rule})")
    print(f"  {stats.total} posts: {stats.pending} pending ({stats.claimed} being reviewed), {stats.decided} done")
    print("  " + ", ".join(f"{action} {count}" for action, count in stats.by_action.items()))
    return 0
