"""Posts per second of ``--engine ray`` with 1 and 2 scoring actors on a local Ray cluster.

Writes ``--rows`` real posts (Jigsaw comments and tweets from ``../shared/data``) as
``--files`` CSV files, starts a local cluster once (``ray.init(num_cpus=CPUS)``) and
scores the folder with 1, then 2 actors of one CPU each, printing wall time (actor
start-up and model loading included: a fresh actor pool per run) and posts/s. The
local engine's figure on the same files is printed for reference. Scaling on one
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

    posts = texts("mix")
    posts = (posts * (args.rows // len(posts) + 1))[: args.rows]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        per_file = -(-args.rows // args.files)
        for i in range(args.files):
            part = posts[i * per_file : (i + 1) * per_file]
            pd.DataFrame({"id": range(len(part)), "text": part}).to_csv(folder / f"posts_{i}.csv", index=False)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "core", "score", str(folder / "posts_0.csv"), "-o", str(Path(tmp) / "local.csv")],
            cwd=ROOT,
            check=True,
            stderr=subprocess.DEVNULL,
        )
        local = per_file / (time.perf_counter() - started)
        print(f"local engine, one file of {per_file:,} posts: {local:,.0f} posts/s (start-up included)")
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
