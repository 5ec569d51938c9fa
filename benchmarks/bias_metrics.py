"""Benchmark: bias metrics with bootstrap intervals on synthetic data.

Target (issue "bias breakdowns"): 100,000 rows, 10 identity groups and 1,000
bootstrap resamples in at most 30 s. Prints the timings and a cross-check
of the point estimates against scikit-learn; exits 1 if over budget.

Run: ``.venv/bin/python benchmarks/bias_metrics.py [--rows N] [--groups K]
[--resamples B] [--budget SECONDS]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.bias.config import BiasConfig
from core.bias.final_metric import final_bias_metric
from core.bias.flag_rates import flag_rate_metrics
from core.bias.metrics import bias_metrics


def synthesize(rows: int, groups: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Labels, scores rounded to 3 decimals (so ties) and groups of 2-20 % of rows."""
    rng = np.random.default_rng(seed)
    share = np.linspace(0.02, 0.2, groups)
    members = pd.DataFrame(rng.random((rows, groups)) < share, columns=[f"group_{j}" for j in range(groups)])
    y = (rng.random(rows) < 0.15).astype(float)
    bias = members.to_numpy() @ np.linspace(-0.1, 0.15, groups)
    scores = np.clip(0.35 * y + 0.55 * rng.random(rows) + 0.1 + bias * (1 - y), 0, 1).round(3)
    return y, scores, members


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=10)
    parser.add_argument("--resamples", type=int, default=1_000)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds allowed for the labelled metrics")
    args = parser.parse_args(argv)

    y, scores, members = synthesize(args.rows, args.groups)
    config = BiasConfig(n_bootstrap=args.resamples, seed=0)
    print(f"rows {args.rows:,}, groups {args.groups}, resamples {args.resamples:,}")

    started = time.perf_counter()
    table = bias_metrics(y, scores, groups=members, config=config)
    labelled = time.perf_counter() - started
    started = time.perf_counter()
    flag_rate_metrics(scores, groups=members, config=config)
    unlabelled = time.perf_counter() - started

    first = members.columns[0]
    member = members[first].to_numpy()
    error = max(
        abs(table.iloc[-1]["subgroup_auc"] - roc_auc_score(y, scores)),
        abs(table.iloc[0]["subgroup_auc"] - roc_auc_score(y[member], scores[member])),
    )
    print(f"labelled metrics (subgroup/BPSN/BNSP AUC, FPR, FNR, precision + CIs): {labelled:.2f} s")
    print(f"unlabelled metrics (flag rates + CIs): {unlabelled:.2f} s")
    print(f"overall AUC {table.iloc[-1]['subgroup_auc']:.4f}, final bias metric {final_bias_metric(table):.4f}")
    print(f"largest difference to sklearn roc_auc_score: {error:.2e}")
    ok = labelled <= args.budget and error < 1e-9
    print(f"{'PASS' if ok else 'FAIL'}: budget {args.budget:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
