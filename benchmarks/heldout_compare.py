"""Compare two models on every public dataset's held-out test split, with paired bootstrap intervals.

A model change (debiasing, a new schedule) is judged by whether held-out ROC AUC
drops. Several test splits are small (ETHOS 77 posts, ToxiGen 69), so a single
difference can be noise; this script prints, per dataset and label, both AUCs
and a 95% paired-bootstrap interval of ``B - A`` (the same resampled posts score
both models), and the same for the mean over datasets.

Run from the repository root::

    .venv/bin/python benchmarks/heldout_compare.py OLD_MODEL_DIR NEW_MODEL_DIR [--resamples 1000]

Reads ``../shared/data`` (never read by unit tests). Exit code 1 when the mean
held-out ROC AUC of B is below A's for some label (point estimate).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.options import at_least  # noqa: E402
from benchmarks.shared_data import missing_data  # noqa: E402
from core.model.classifier import LONG_POST_RULES, ToxicityClassifier  # noqa: E402
from core.training.datasets import DEFAULT_DATA_DIR, available, load_all  # noqa: E402


def paired_auc_differences(
    y_true: np.ndarray, score_a: np.ndarray, score_b: np.ndarray, n_resamples: int, rng: np.random.Generator
) -> np.ndarray:
    """``AUC(B) - AUC(A)`` on ``n_resamples`` bootstrap resamples of the same rows (NaN if one class)."""
    n = len(y_true)
    out = np.full(n_resamples, np.nan)
    for r in range(n_resamples):
        idx = rng.integers(0, n, n)
        y = y_true[idx]
        if 0 < y.sum() < n:
            out[r] = roc_auc_score(y, score_b[idx]) - roc_auc_score(y, score_a[idx])
    return out


def compare(
    model_a: ToxicityClassifier, model_b: ToxicityClassifier, data_dir: Path, n_resamples: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per dataset and label: both AUCs and the interval of their difference; then the means over datasets."""
    rng = np.random.default_rng(seed)
    rows, samples = [], {}
    for labelled in load_all(data_dir):
        test = labelled.frame[labelled.frame["split"] == "test"]
        texts = test["text"].tolist()
        scores_a, scores_b = model_a.predict_proba(texts), model_b.predict_proba(texts)
        for label in model_a.labels_:
            if label not in model_b.labels_ or label not in test or test[label].notna().sum() == 0:
                continue
            known = test[label].notna().to_numpy()
            y = test[label].to_numpy(float)[known].astype(int)
            if len(np.unique(y)) < 2:
                continue
            a = scores_a[known, model_a.labels_.index(label)]
            b = scores_b[known, model_b.labels_.index(label)]
            diffs = paired_auc_differences(y, a, b, n_resamples, rng)
            samples[(labelled.name, label)] = diffs
            auc_a, auc_b = roc_auc_score(y, a), roc_auc_score(y, b)
            low, high = np.nanpercentile(diffs, [2.5, 97.5])
            rows.append(
                {
                    "dataset": labelled.name,
                    "label": label,
                    "n": int(known.sum()),
                    "auc_a": auc_a,
                    "auc_b": auc_b,
                    "diff": auc_b - auc_a,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    table = pd.DataFrame(rows)
    means = []
    for label, group in table.groupby("label", sort=False):
        stacked = np.vstack([samples[(name, label)] for name in group["dataset"]])
        mean_diffs = np.nanmean(stacked, axis=0)
        low, high = np.nanpercentile(mean_diffs, [2.5, 97.5])
        means.append(
            {
                "label": label,
                "datasets": len(group),
                "mean_auc_a": group["auc_a"].mean(),
                "mean_auc_b": group["auc_b"].mean(),
                "diff": group["diff"].mean(),
                "ci_low": low,
                "ci_high": high,
            }
        )
    return table, pd.DataFrame(means)


def main(argv: Sequence[str] | None = None) -> int:
    """Load both models, compare, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_a", type=Path, help="reference model directory (A)")
    parser.add_argument("model_b", type=Path, help="candidate model directory (B)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--resamples", type=at_least(1), default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--long-posts",
        nargs=2,
        default=("windows", "windows"),
        metavar=("RULE_A", "RULE_B"),
        help="long-post rule of A and B (windows or first); e.g. the same model twice with 'first windows'",
    )
    args = parser.parse_args(argv)
    wrong = [rule for rule in args.long_posts if rule not in LONG_POST_RULES]
    if wrong:  # before the data and the models load
        parser.error(f"--long-posts: {wrong[0]!r} is not a rule; give two of {', '.join(LONG_POST_RULES)}")
    if not available(args.data_dir):  # before two models load; exit code 2, as 1 means "B is lower"
        raise missing_data(f"no public data set in '{args.data_dir}'", args.data_dir)
    model_a, model_b = ToxicityClassifier.load(args.model_a), ToxicityClassifier.load(args.model_b)
    model_a.long_posts, model_b.long_posts = args.long_posts
    table, means = compare(model_a, model_b, args.data_dir, args.resamples, args.seed)
    print(
        f"A = {args.model_a} ({model_a.long_posts}), B = {args.model_b} ({model_b.long_posts}); 95% intervals of B - A"
    )
    with pd.option_context("display.width", 140, "display.float_format", "{:.3f}".format):
        print(table.to_string(index=False))
        print()
        print(means.to_string(index=False))
    dropped = means[means["diff"] < 0]["label"].tolist()
    print("mean held-out ROC AUC: " + ("no drop" if not dropped else "lower for " + ", ".join(dropped)))
    return 1 if dropped else 0


if __name__ == "__main__":
    raise SystemExit(main())
