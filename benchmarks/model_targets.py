"""Every figure the default-model issue sets a target for, for one or more model directories.

Per model: ROC AUC on every dataset's held-out test split, DynaHate originals and
perturbations (AUC and accuracy), functional cases per functionality, the
templated identity test (final bias metric, lowest BPSN AUC, highest mean score of
harmless sentences per term), spelling robustness and calibration error. The same
code as training's checks, so a shipped model and a candidate are measured alike
even after the assets changed.

Run from the repository root::

    .venv/bin/python benchmarks/model_targets.py MODEL_DIR [MODEL_DIR ...] [--json FILE]

Reads ``../shared/data`` (never read by unit tests).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.shared_data import missing_data  # noqa: E402
from core.model.classifier import ToxicityClassifier  # noqa: E402
from core.training.checks import functional_check, templated_identity_check  # noqa: E402
from core.training.datasets import DEFAULT_DATA_DIR, available, load_all  # noqa: E402
from core.training.figures import evaluate_sets  # noqa: E402
from core.training.set_checks import set_checks  # noqa: E402


def figures(model_dir: Path, sets: list) -> dict:
    """All target figures of one model."""
    clf = ToxicityClassifier.load(model_dir)
    return {
        "model": str(model_dir),
        "name": clf.metadata_.get("name"),
        "evaluation": evaluate_sets(clf, sets, "test"),
        "functional": functional_check(clf),
        "templated_identity": templated_identity_check(clf),
        **set_checks(clf, sets),
    }


def report(result: dict) -> str:
    """Readable lines for one model."""
    ev = result["evaluation"]
    lines = [f"== {result['model']} ({result['name']})"]
    lines.append(
        "  test ROC AUC: " + ", ".join(f"{r['dataset']}/{r['label']} {r['roc_auc']:.3f} (n={r['n']})" for r in ev)
    )
    levels = {r["level"]: r for r in result["dynahate_levels"]}
    for level in ("original", "perturbation"):
        if level in levels:
            r = levels[level]
            lines.append(f"  dynahate {level}: AUC {r['roc_auc']:.3f} accuracy {r['accuracy']:.3f} (n={r['n']})")
    func = result["functional"]
    worst = min(func["by_functionality"].items(), key=lambda kv: kv[1]["accuracy"])
    lines.append(f"  functional {func['accuracy']:.3f} (lowest: {worst[0]} {worst[1]['accuracy']:.2f})")
    lines.append("    " + ", ".join(f"{k} {v['accuracy']:.2f}" for k, v in sorted(func["by_functionality"].items())))
    t = result["templated_identity"]
    lines.append(
        f"  templated: final bias {t['final_bias_metric']:.3f}, lowest BPSN {t['min_bpsn_auc']:.3f} "
        f"({t['min_bpsn_group']}), highest harmless mean {t['max_term_mean_harmless']:.3f}, "
        f"terms above 0.25: {t['terms_above_0_25_harmless']}"
    )
    lines.append("  spelling: " + ", ".join(f"{r['kind']} {r['roc_auc']:.3f}" for r in result["spelling_robustness"]))
    lines.append("  ECE: " + ", ".join(f"{k} {v['ece']:.3f}" for k, v in result["calibration"].items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Measure each model and print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", type=Path, nargs="+")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    if not available(args.data_dir):
        raise missing_data(f"no public data set in '{args.data_dir}'", args.data_dir)
    sets = load_all(args.data_dir)
    results = [figures(model, sets) for model in args.models]
    for result in results:
        print(report(result))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
