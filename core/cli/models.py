"""``python -m core models list|activate VERSION|delete VERSION|compare A B --data FILE --label-col L [--json]``."""

from __future__ import annotations

import argparse
import json
import math
import os
from pathlib import Path
from typing import Any

from core.cli.common import add_database_option, printable
from core.paths import MODEL_ENV
from core.registry import ModelRegistry, ModelVersion


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``models`` subcommand and its actions."""
    parser = subparsers.add_parser("models", help="list, add, activate, delete and compare model versions")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="list versions (* marks the active one)")
    listing.add_argument("--json", action="store_true")
    activate = actions.add_parser("activate", help="make a version the active model")
    activate.add_argument("version", type=int)
    delete = actions.add_parser("delete", help="delete a version (not 0, not the active one)")
    delete.add_argument("version", type=int)
    add = actions.add_parser("add", help="register a saved model directory as a new version")
    add.add_argument("directory", type=Path)
    add.add_argument("--activate", action="store_true")
    for changing in (activate, delete, add):
        add_database_option(changing)
    compare = actions.add_parser("compare", help="metrics of two versions on one labelled file")
    compare.add_argument("a", type=int)
    compare.add_argument("b", type=int)
    compare.add_argument("--data", type=Path, required=True, metavar="FILE")
    compare.add_argument("--label-col", required=True, metavar="L")
    compare.add_argument(
        "--label", default=None, help="model label (default: the one named like --label-col, else the first)"
    )
    compare.add_argument("--text-col", default=None, metavar="NAME")
    compare.add_argument("--json", action="store_true")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Carry out one registry action; a change is recorded in the audit log as ``cli:<os user>``."""
    registry = ModelRegistry()
    audit: dict[str, Any] = {}
    if args.action in ("activate", "delete", "add"):
        from core.store.roles import operator_actor

        audit = {"actor": operator_actor(), "database": args.database}
    if args.action == "list":
        _list(registry, args.json)
    elif args.action == "activate":
        registry.activate(args.version, **audit)
        print(f"version {args.version} is now active")
    elif args.action == "delete":
        registry.delete(args.version, **audit)
        print(f"deleted version {args.version}")
    elif args.action == "add":
        from core.model.classifier import ToxicityClassifier

        ToxicityClassifier.load(args.directory)  # refuses a directory whose model cannot score
        version = registry.add(args.directory, activate=args.activate, **audit)
        print(f"added version {version}{' (active)' if args.activate else ''}")
    else:
        _compare(registry, args)
    return 0


def _list(registry: ModelRegistry, as_json: bool) -> None:
    """Print the versions; say when ``$MODLENS_MODEL`` overrides the active one (scoring then uses that folder)."""
    versions = registry.list()
    override = os.environ.get(MODEL_ENV) or None
    in_use = _in_use(versions, override)
    if as_json:  # each version says whether scoring uses it, and the $MODLENS_MODEL folder (or null)
        print(json.dumps([{**_version_json(v), "in_use": v.version == in_use, "override": override} for v in versions]))
        return
    for v in versions:
        print(_version_line(v))
    if override is not None:
        which = f"version {in_use}" if in_use is not None else "not a registered version"
        print(
            f"note: ${MODEL_ENV} overrides the active version (*): scoring uses '{printable(override)}' ({which})."
            f" Unset ${MODEL_ENV} to score with the active version."
        )


def _in_use(versions: list[ModelVersion], override: str | None) -> int | None:
    """The version scoring uses: the active one, or the one whose folder ``$MODLENS_MODEL`` names (None if none)."""
    if override is None:
        return next((v.version for v in versions if v.active), None)
    try:
        target = Path(override).resolve()
        return next((v.version for v in versions if Path(v.path).resolve() == target), None)
    except (OSError, RuntimeError):
        return None


def _compare(registry: ModelRegistry, args: argparse.Namespace) -> None:
    from core.cli.common import label_for_column, print_notes
    from core.evaluation.metrics import evaluate_scores
    from core.io.posts import read_posts
    from core.model.classifier import ToxicityClassifier
    from core.scoring import score_texts

    posts = read_posts(args.data, text_col=args.text_col, label_cols=[args.label_col])
    print_notes(posts.notes)
    truth = posts.labels(args.label_col)
    results: dict[str, Any] = {}
    for version in (args.a, args.b):
        model = ToxicityClassifier.load(registry.path_of(version))
        column = label_for_column(model, args.label, args.label_col)
        label = model.labels_[column]
        scores = score_texts(model, posts.texts)[:, column]
        results[str(version)] = {"label": label, **evaluate_scores(truth, scores, threshold=model.thresholds_[label])}
    if args.json:
        print(json.dumps(_clean(results)))
        return
    keys = ["label", "n", "positives", "threshold", "roc_auc", "pr_auc", "precision", "recall", "f1"]
    print(f"{'metric':>10}  {'v' + str(args.a):>10}  {'v' + str(args.b):>10}")
    for key in keys:
        a, b = results[str(args.a)][key], results[str(args.b)][key]
        print(f"{key:>10}  {_show(a):>10}  {_show(b):>10}")


def _version_line(v: ModelVersion) -> str:
    """One line of ``models list``; names and errors escaped so a model cannot drive the terminal."""
    marker = "*" if v.active else " "
    if v.error is not None:
        return f"{marker} {v.version:>3}  (damaged: {printable(v.error)})"
    thresholds = ", ".join(f"{printable(k)}={t:.3f}" for k, t in v.thresholds.items())
    return f"{marker} {v.version:>3}  {printable(v.name):<28} {printable(v.created):<26} {thresholds}" + (
        "  (bundled)" if v.read_only else ""
    )


def _show(value: object) -> str:
    """A metric with 4 decimals; a label (from the model's files) with control characters escaped."""
    return f"{value:.4f}" if isinstance(value, float) else printable(str(value))


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return None if isinstance(value, float) and math.isnan(value) else value


def _version_json(v: Any) -> dict[str, Any]:
    return {
        "version": v.version,
        "name": v.name,
        "created": v.created,
        "labels": list(v.labels),
        "thresholds": dict(v.thresholds),
        "active": v.active,
        "read_only": v.read_only,
        "path": str(v.path),
        "error": v.error,
    }
