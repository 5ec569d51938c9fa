"""Throughput and memory of ``python -m core score`` end to end (read, score, write), start-up included.

Builds CSVs of real comments and tweets from ``../shared/data`` (Jigsaw, Davidson,
OLID, HateXplain), runs the CLI as a separate process and prints posts per
second and the process's peak memory. Targets on the 2-core machine:
>= 10,000 posts/s for 100,000 posts; peak memory <= 1.5 GB for 1,000,000 posts.

Usage: python benchmarks/score_throughput.py [--rows 100000] [--big-rows 1000000] [--model DIR]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


def real_texts() -> list[str]:
    """About 60,000 distinct real posts of mixed lengths."""
    parts = [
        pd.read_csv(DATA / "jigsaw_toxic" / "text_comment_1.csv.gz")["comment_text"],
        pd.read_csv(DATA / "davidson" / "labeled_data.csv.gz")["tweet"],
        pd.read_csv(DATA / "olid" / "olid-training-v1.0.tsv.gz", sep="\t")["tweet"],
        pd.read_csv(DATA / "hatexplain" / "hatexplain_train_derived.csv.gz")["text"],
    ]
    return pd.concat(parts, ignore_index=True).astype(str).tolist()


def make_csv(texts: list[str], rows: int, path: Path) -> None:
    """A CSV with ``id`` and ``text`` columns, cycling through the real texts."""
    repeated = (texts * (rows // len(texts) + 1))[:rows]
    pd.DataFrame({"id": range(rows), "text": repeated}).to_csv(path, index=False)


def run_cli(path: Path, model: str | None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one ``python -m core score`` process."""
    command = [sys.executable, "-m", "core", "score", str(path), "-o", str(path.with_suffix(".scored.csv"))]
    if model:
        command += ["--model", model]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> None:
    """Print the figures for the configured sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--big-rows", type=int, default=1_000_000, help="0 skips the memory run")
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    texts = real_texts()
    with tempfile.TemporaryDirectory() as tmp:
        for rows, label in ((args.rows, "throughput"), (args.big_rows, "memory")):
            if not rows:
                continue
            path = Path(tmp) / f"posts_{rows}.csv"
            make_csv(texts, rows, path)
            seconds, peak_mb = run_cli(path, args.model)
            print(
                f"{label}: {rows:,} posts in {seconds:.1f} s end to end = {rows / seconds:,.0f} posts/s; "
                f"peak memory {peak_mb:,.0f} MB"
            )


if __name__ == "__main__":
    main()
