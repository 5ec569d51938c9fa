"""Benchmark SHAP explanations on the real model and real toxic comments; prints figures.

Measures, against the targets of the explanations issue:

1. latency: median and 95th-percentile time to explain one 50-token post,
   after warm-up (target: median <= 100 ms, set by the default-model issue; the
   explanations issue asked for 150 ms);
2. rank agreement: per-post Spearman correlation of token values with a
   3,000-evaluation reference (target: median over posts >= 0.95; the mean and
   10th percentile are printed too, as a few posts agree much less);
3. faithfulness on comments labelled toxic: removing the top-3 tokens lowers the
   score at least 3 times more than removing 3 random tokens;
4. global view: 1,000 posts explained, with progress, in under 3 minutes.

Run from the repository root::

    .venv/bin/python benchmarks/explain_latency.py [--model DIR] [--data FILE] [--quick]

The data is the Jigsaw sample in ``../shared/data`` (columns ``comment_text``,
``labels``), read only here, never by unit tests. Exit code 1 when a target is
missed, so the script can gate a release.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.options import at_least  # noqa: E402
from benchmarks.shared_data import missing_data  # noqa: E402
from core.explain.config import ExplainConfig  # noqa: E402
from core.explain.faithfulness import faithfulness_table, summarize_faithfulness  # noqa: E402
from core.explain.global_view import explain_global  # noqa: E402
from core.explain.shap_values import explain_texts  # noqa: E402
from core.explain.tokens import token_spans  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "jigsaw_toxic" / "text_comment_1.csv.gz"
PredictFn = Callable[[list[str]], np.ndarray]


def cut_to_tokens(texts: Sequence[str], n_tokens: int) -> list[str]:
    """Comments with at least ``n_tokens`` tokens, cut right after the ``n_tokens``-th."""
    out = []
    for text in texts:
        spans = token_spans(text)
        if len(spans) >= n_tokens:
            out.append(text[: spans[n_tokens - 1][1]])
    return out


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (linear interpolation)."""
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def measure_latency(
    texts: Sequence[str], predict_fn: PredictFn, labels: Sequence[str], label: str, config: ExplainConfig
) -> list[float]:
    """Seconds to explain each post on its own (one label)."""
    times = []
    for text in texts:
        start = time.perf_counter()
        explain_texts([text], predict_fn, labels, label=label, config=config)
        times.append(time.perf_counter() - start)
    return times


def rank_agreement(
    texts: Sequence[str],
    predict_fn: PredictFn,
    labels: Sequence[str],
    label: str,
    config: ExplainConfig,
    reference_evals: int,
) -> list[float]:
    """Spearman correlation per post between ``config`` values and a high-budget reference."""
    from scipy.stats import spearmanr

    fast = explain_texts(texts, predict_fn, labels, label=label, config=config).tokens
    reference_config = ExplainConfig(
        max_evals=reference_evals, batch_size=config.batch_size, seed=(config.seed or 0) + 1
    )
    slow = explain_texts(texts, predict_fn, labels, label=label, config=reference_config).tokens
    rhos = []
    for post_id in range(len(texts)):
        a = fast[fast["post_id"] == post_id]["value"].to_numpy()
        b = slow[slow["post_id"] == post_id]["value"].to_numpy()
        if len(a) > 2 and np.ptp(a) > 0 and np.ptp(b) > 0:
            rhos.append(float(spearmanr(a, b).statistic))
    return rhos


def load_predict_fn(model_dir: Path | None) -> tuple[PredictFn, list[str], Any]:
    """Load the ModLens model directory (default: the active model) and warm it up."""
    from core.model.classifier import ToxicityClassifier
    from core.registry import active_model_dir

    directory = model_dir or active_model_dir()
    if not directory.exists():
        sys.exit(f"No model at {directory}. Train one or pass --model DIR.")
    model = ToxicityClassifier.load(directory).warm_up()
    return model.predict_proba, list(model.labels_), model


def run(args: argparse.Namespace, predict_fn: PredictFn, labels: list[str]) -> dict[str, Any]:
    """Run all measurements and return the figures."""
    data = pd.read_csv(args.data)
    texts = data["comment_text"].fillna("").astype(str).tolist()
    toxic = data.loc[data["labels"] == 1, "comment_text"].fillna("").astype(str).tolist()
    rng = np.random.default_rng(args.seed)
    config = ExplainConfig(
        max_evals=args.max_evals, batch_size=args.batch_size, fixed_context=args.fixed_context, seed=args.seed
    )
    label = args.label or labels[0]
    results: dict[str, Any] = {
        "label": label,
        "max_evals": config.max_evals,
        "batch_size": config.batch_size,
        "fixed_context": config.fixed_context,
    }

    posts50 = cut_to_tokens(texts, 50)
    chosen = [posts50[i] for i in rng.permutation(len(posts50))[: args.n_latency + 3]]
    measure_latency(chosen[:3], predict_fn, labels, label, config)  # warm-up: numba, tf tracing
    times = measure_latency(chosen[3:], predict_fn, labels, label, config)
    results["latency_ms"] = {
        "posts": len(times),
        "median": 1000 * statistics.median(times),
        "p95": 1000 * percentile(times, 95),
    }
    print(
        f"latency, 50-token posts (n={len(times)}): median {results['latency_ms']['median']:.0f} ms, "
        f"p95 {results['latency_ms']['p95']:.0f} ms",
        flush=True,
    )
    if args.compare_batch:
        slow_config = ExplainConfig(max_evals=args.max_evals, batch_size=10, seed=args.seed)
        slow = measure_latency(chosen[3:13], predict_fn, labels, label, slow_config)
        results["latency_ms"]["median_batch_size_10"] = 1000 * statistics.median(slow)
        print(f"  same posts with batch_size=10: median {1000 * statistics.median(slow):.0f} ms", flush=True)

    if args.n_reference:
        rhos = rank_agreement(chosen[3 : 3 + args.n_reference], predict_fn, labels, label, config, args.reference_evals)
        results["spearman"] = {
            "posts": len(rhos),
            "median": float(np.median(rhos)),
            "mean": float(np.mean(rhos)),
            "p10": percentile(rhos, 10),
            "min": float(np.min(rhos)),
        }
        print(
            f"rank agreement with {args.reference_evals}-evaluation reference (n={len(rhos)}): "
            + ", ".join(f"{key} {value:.3f}" for key, value in results["spearman"].items() if key != "posts"),
            flush=True,
        )

    if args.n_faithfulness:
        faith_texts = [toxic[i] for i in rng.permutation(len(toxic))[: args.n_faithfulness]]
        attributions = explain_texts(faith_texts, predict_fn, labels, label=label, config=config)
        table = faithfulness_table(
            attributions, faith_texts, predict_fn, labels, label=label, ks=(1, 3, 5), seed=args.seed
        )
        summary = summarize_faithfulness(table)
        results["faithfulness"] = summary.drop(columns="label").to_dict(orient="records")
        for row in summary.itertuples():
            print(
                f"faithfulness k={row.k} (n={row.n_posts} toxic comments): top-k drop {row.top_k_drop:.3f}, "
                f"random-k drop {row.random_k_drop:.3f}, ratio {row.ratio:.1f}x",
                flush=True,
            )

    if args.n_global:
        last = [0.0]
        start = time.perf_counter()

        def progress(done: int, total: int) -> bool:
            now = time.perf_counter()
            if now - last[0] > 15 or done == total:
                print(f"  global view: {done}/{total} posts, {now - start:.0f} s", file=sys.stderr, flush=True)
                last[0] = now
            return True

        view = explain_global(
            texts,
            predict_fn,
            labels,
            max_posts=args.n_global,
            seed=args.seed,
            label=label,
            config=config,
            progress=progress,
        )
        seconds = time.perf_counter() - start
        n_done = view.attributions.posts["post_id"].nunique()
        frequent = view.tokens[view.tokens["count"] >= 3]
        top = frequent.head(10)["token"].tolist()
        results["global"] = {"posts": int(n_done), "seconds": seconds, "top_tokens": top}
        print(f"global view: {n_done} posts in {seconds:.0f} s; top words seen 3+ times: {', '.join(top)}", flush=True)
    return results


SECTIONS = (("spearman", "rank agreement"), ("faithfulness", "faithfulness"), ("global", "global view"))
"""Result keys of the parts that ``--n-reference``, ``--n-faithfulness`` and ``--n-global`` 0 skip."""


def check_targets(results: dict[str, Any]) -> list[str]:
    """Names of the targets missed."""
    missed = []
    if results["latency_ms"]["median"] > 100:
        missed.append("latency median <= 100 ms")
    if "spearman" in results and results["spearman"]["median"] < 0.95:
        missed.append("median Spearman >= 0.95")
    k3 = [row for row in results.get("faithfulness", []) if row["k"] == 3]
    if "faithfulness" in results and (not k3 or not k3[0]["ratio"] >= 3):
        missed.append("faithfulness ratio >= 3 at k=3")
    if "global" in results and results["global"]["seconds"] > 180:
        missed.append("global view of 1,000 posts < 3 min")
    return missed


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, metavar="DIR", help="model directory (default: active)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="CSV with comment_text and labels")
    parser.add_argument("--label", default=None, help="label to explain (default: the model's first)")
    parser.add_argument("--max-evals", type=at_least(1), default=ExplainConfig.max_evals)
    parser.add_argument("--batch-size", type=at_least(1), default=ExplainConfig.batch_size)
    parser.add_argument("--fixed-context", type=int, choices=[0, 1], default=None, help="SHAP fixed_context")
    parser.add_argument("--reference-evals", type=at_least(1), default=3000)
    parser.add_argument("--n-latency", type=at_least(1), default=50, help="posts timed for latency")
    parser.add_argument(
        "--n-reference", type=at_least(0), default=20, help="posts compared with the reference (0 to skip)"
    )
    parser.add_argument(
        "--n-faithfulness", type=at_least(0), default=100, help="toxic comments for faithfulness (0 to skip)"
    )
    parser.add_argument("--n-global", type=at_least(0), default=1000, help="posts for the global view (0 to skip)")
    parser.add_argument("--compare-batch", action="store_true", help="also time batch_size=10 (SHAP's default)")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.quick:
        args.n_latency, args.n_reference, args.n_faithfulness, args.n_global = 10, 5, 20, 50
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Load the model, run the benchmark, print figures and whether targets are met."""
    args = parse_args(argv)
    if not args.data.is_file():  # before the model loads: a fresh checkout may lack ../shared/data
        raise missing_data(f"{args.data} not found")
    predict_fn, labels, _ = load_predict_fn(args.model)
    results = run(args, predict_fn, labels)
    missed = check_targets(results)
    skipped = [name for key, name in SECTIONS if key not in results]
    print(
        ("targets: all met" if not missed else "targets missed: " + "; ".join(missed))
        + (f" (not measured: {', '.join(skipped)})" if skipped else "")
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
