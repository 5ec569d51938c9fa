"""Posts per second of ``--engine ray`` with 1 and 2 scoring actors on a local Ray cluster.

Writes ``--rows`` real posts (Jigsaw comments and tweets from ``../shared/data``) as
``--files`` CSV files, starts a local cluster once (``ray.init(num_cpus=CPUS)``) and
scores the folder with 1, then 2 actors of one CPU each, printing wall time (actor
start-up and model loading included: a fresh actor pool per run) and posts/s. The
local engine's figure on the same posts (all of them, as one file, with the same
``--model``; start-up included) is printed for reference. Scaling on one
machine is bounded by its cores (2 on the development machine) and by what else
runs on it; on a cluster, actors add the nodes' cores.

Usage: python benchmarks/ray_scaling.py [--rows 40000] [--files 4] [--actors 1,2] [--model DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "benchmarks"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from score_throughput import texts  # noqa: E402


def write_inputs(posts: list[str], rows: int, files: int, folder: Path) -> Path:
    """``rows`` posts (cycled) as ``files`` CSV files in ``folder / "in"``; return the same posts as one file.

    The single file (beside the folder, so the Ray runs do not read it) is what the
    local engine scores, so both engines score the same posts and pay their start-up once.
    """
    posts = (posts * (rows // len(posts) + 1))[:rows]
    frame = pd.DataFrame({"id": range(rows), "text": posts})
    (folder / "in").mkdir(parents=True)
    for i in range(files):  # sizes differ by at most one row
        frame.iloc[i * rows // files : (i + 1) * rows // files].to_csv(folder / "in" / f"posts_{i}.csv", index=False)
    frame.to_csv(folder / "all_posts.csv", index=False)
    return folder / "all_posts.csv"


def local_command(source: Path, out: Path, model: Path) -> list[str]:
    """``python -m core score`` of ``source`` with ``model`` (the model the Ray runs use)."""
    return [sys.executable, "-m", "core", "score", str(source), "-o", str(out), "--model", str(model)]


def main() -> None:
    """Print posts/s per actor count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--actors", default="1,2")
    parser.add_argument("--cpus", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--model", type=Path, default=ROOT / "assets" / "model")
    args = parser.parse_args()
    import ray

    from core.distributed.ray_engine import RayJob, run

    if args.rows < args.files or args.files < 1:
        parser.error(f"--rows ({args.rows}) must be at least --files ({args.files}), which must be positive")
    posts = texts("mix")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        everything = write_inputs(posts, args.rows, args.files, Path(tmp))
        started = time.perf_counter()
        subprocess.run(
            local_command(everything, Path(tmp) / "local.csv", args.model),
            cwd=ROOT,
            check=True,
            stderr=subprocess.DEVNULL,
        )
        local = args.rows / (time.perf_counter() - started)
        print(f"local engine, the same {args.rows:,} posts as one file: {local:,.0f} posts/s (start-up included)")
        ray.init(
            num_cpus=args.cpus,
            include_dashboard=False,
            log_to_driver=False,
            logging_level="ERROR",
            runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}},
        )
        try:
            for actors in (int(n) for n in args.actors.split(",")):
                started = time.perf_counter()
                manifest = run(RayJob(str(folder), Path(tmp) / f"out{actors}", args.model, actors=actors))
                wall = time.perf_counter() - started
                print(
                    f"ray, {actors} actor(s) x 1 CPU, {args.files} files: {manifest['rows_out']:,} posts "
                    f"in {wall:.1f} s = {manifest['rows_out'] / wall:,.0f} posts/s (actor start-up included)",
                    flush=True,
                )
        finally:
            ray.shutdown()


if __name__ == "__main__":
    main()
