"""Throughput, CPU time and peak memory of ``python -m core score`` end to end (read, score, write, start-up).

Three inputs built from ``../shared/data``, each run as a separate process:

- ``short``: tweets (Davidson, OLID, HateXplain), about 20 words;
- ``long``: Jigsaw comments (``jigsaw_toxic`` and ``jigsaw_more``), about 60 words, 13% past the
  default model's 120-token window;
- ``mix``: both, as the dashboard sees them.

Each input is scored by the path before this work (ModLens at ``--before``, extracted
from git into a temporary folder: the Keras LSTM, first 120 tokens), and by this
checkout twice: ``first`` (``--long-posts first``: the same scoring rule, so the
speed-up is like for like and scores must match within 1e-4) and ``windows`` (the
default: long posts in overlapping windows). Before/after run in the same process
of this script, on the same machine, one after the other. CPU seconds (user +
system of the scoring process) are printed next to wall time because a shared
machine's wall time depends on what else runs. Finally the mix at ``--big-rows``
posts checks peak memory (target <= 1.5 GB for 1,000,000 posts).

With ``--against DIR`` the two paths are instead this checkout's default scoring with
``--model`` and with the model at ``DIR`` (a new default model against the old one:
same code, same inputs, one after the other).

Usage: python benchmarks/score_throughput.py [--rows 100000] [--big-rows 1000000] [--before REF] [--model DIR]
       [--against DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.shared_data import DATA, data_file  # noqa: E402

BEFORE = "24e252a"
"""The last commit before the fused runtime and long-post windows (ModLens v3 scoring path)."""


def sources(kind: str) -> list[tuple[Path, str, str]]:
    """(file, text column, delimiter) of each data set of one kind; exit code 2 when one is missing."""
    short = [
        (data_file("davidson", "labeled_data.csv.gz", data=DATA), "tweet", ","),
        (data_file("olid", "olid-training-v1.0.tsv.gz", data=DATA), "tweet", "\t"),
        (data_file("hatexplain", "hatexplain_train_derived.csv.gz", data=DATA), "text", ","),
    ]
    long = [(data_file("jigsaw_toxic", "text_comment_1.csv.gz", data=DATA), "comment_text", ",")]
    for name in ("jigsaw2018_subsets", "jigsaw2018_test_labelled_balanced", "jigsaw2018_train_nontoxic"):
        long.append((data_file("jigsaw_more", f"{name}.csv.gz", data=DATA), "comment_text", ","))
    if kind not in ("short", "long", "mix"):
        raise SystemExit(f"unknown input '{kind}': use short, long or mix")
    return {"short": short, "long": long, "mix": short + long[:1]}[kind]


def texts(kind: str) -> list[str]:
    """Distinct real posts of one kind: ``short``, ``long`` or ``mix``."""
    parts = [pd.read_csv(path, sep=sep)[column] for path, column, sep in sources(kind)]
    return pd.concat(parts, ignore_index=True).astype(str).drop_duplicates().tolist()


def make_csv(posts: list[str], rows: int, path: Path) -> None:
    """A CSV with ``id`` and ``text`` columns, cycling through the posts."""
    repeated = (posts * (rows // len(posts) + 1))[:rows]
    pd.DataFrame({"id": range(rows), "text": repeated}).to_csv(path, index=False)


def run_cli(cwd: Path, path: Path, out: Path, model: Path, extra: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one ``python -m core score`` process."""
    command = [sys.executable, "-m", "core", "score", str(path), "-o", str(out), "--model", str(model), *extra]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status:
        raise SystemExit(f"{' '.join(command)} failed (exit code {os.waitstatus_to_exitcode(status)})")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def before_checkout(ref: str, folder: Path) -> Path:
    """ModLens at ``ref``, extracted from git (only ``core``: the model comes from --model)."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "core"], check=False, capture_output=True)
    if archive.returncode:
        reason = " ".join(archive.stderr.decode(errors="replace").split())[:200]
        print(
            f"error: cannot extract revision '{ref}' from git ({reason}). Fetch the full history (git fetch "
            "--unshallow), give another --before, or compare two models with --against DIR.",
            file=sys.stderr,
        )
        raise SystemExit(2)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def main() -> None:
    """Print one line per (input, path) and the score differences, then the memory run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--big-rows", type=int, default=1_000_000, help="0 skips the memory run")
    parser.add_argument("--before", default=BEFORE, help="git revision of the path to compare with")
    parser.add_argument("--model", type=Path, default=ROOT / "assets" / "model")
    parser.add_argument("--inputs", default="short,long,mix")
    parser.add_argument("--against", type=Path, help="compare --model with this model on this checkout instead")
    args = parser.parse_args()
    for kind in args.inputs.split(","):
        sources(kind)  # every data file is there, before anything runs
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.against is not None:
            paths = {"against": (ROOT, [], args.against), "model": (ROOT, [], args.model)}
            print(f"against = {args.against}, model = {args.model}")
        else:
            old = before_checkout(args.before, tmp / "before")
            paths = {
                "before": (old, [], args.model),
                "first": (ROOT, ["--long-posts", "first"], args.model),
                "windows": (ROOT, [], args.model),
            }
        print("| input | path | posts | wall s | posts/s | CPU s | posts per CPU-s | peak MB |")
        print("|---|---|---|---|---|---|---|---|")
        for kind in args.inputs.split(","):
            source = tmp / f"{kind}.csv"
            make_csv(texts(kind), args.rows, source)
            scores = {}
            for name, (cwd, extra, model) in paths.items():
                out = tmp / f"{kind}.{name}.csv"
                wall, cpu, peak = run_cli(cwd, source, out, model, extra)
                print(
                    f"| {kind} | {name} | {args.rows:,} | {wall:.1f} | {args.rows / wall:,.0f} | {cpu:.1f} | "
                    f"{args.rows / cpu:,.0f} | {peak:,.0f} |",
                    flush=True,
                )
                scores[name] = pd.read_csv(out, usecols=["score_toxic", "score_hate"]).to_numpy()
            if args.against is not None:
                continue
            same = np.abs(scores["first"] - scores["before"]).max()
            rose = (scores["windows"] - scores["before"] > 1e-4).any(axis=1).mean()
            print(
                f"|   | {kind}: max score difference first vs before {same:.1e}; windows raised {rose:.1%} of posts |"
            )
        if args.big_rows:
            source = tmp / "big.csv"
            make_csv(texts("mix"), args.big_rows, source)
            wall, cpu, peak = run_cli(ROOT, source, tmp / "big.scored.csv", args.model, [])
            print(
                f"memory: {args.big_rows:,} mixed posts in {wall:.0f} s (CPU {cpu:.0f} s); peak memory {peak:,.0f} MB"
            )


if __name__ == "__main__":
    main()
