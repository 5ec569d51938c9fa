"""Benchmark: the review store on SQLite and PostgreSQL.

Measures, on synthetic posts (no model, no data files):

* saving a 100,000-post batch (texts, ids, authors, two scores) and reopening it;
* building a queue of its flagged posts, and one bulk decision over a score range;
* claim-and-decide latency with 8 reviewer sessions working at once (threads in one
  process, as Streamlit runs its sessions): p50 / p95 ms per claim, per decision and per
  claim + decision at the service layer (target: decision under 100 ms).

PostgreSQL runs on a throwaway local cluster (Debian's binaries, see ``tests/postgres.py``)
or on ``--postgres-url``; it is skipped with the reason when neither is available.

Run: ``.venv/bin/python benchmarks/review_store.py [--rows N] [--reviewers K] [--decisions D]
[--postgres-url URL] [--no-postgres]``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.store import users
from core.store.batches import BatchInput, open_batch, save_batch
from core.store.claims import claim_next
from core.store.db import Database
from core.store.decisions import ScoreFilter, bulk_decide, decide
from core.store.migrate import upgrade
from core.store.queues import QueueRequest, create_queue
from core.store.roles import operator_actor
from core.store.rules import Flagged

WORDS = tuple(
    [
        "you",
        "are",
        "the",
        "a",
        "great",
        "idiot",
        "post",
        "day",
        "nice",
        "stupid",
        "friend",
        "moron",
        "thanks",
        "really",
        "what",
        "why",
    ]
)


def synthetic_batch(rows: int, seed: int = 0) -> BatchInput:
    """``rows`` posts of 8-25 words, 2,000 authors, scores skewed low like real traffic."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(8, 26, rows)
    words = np.array(WORDS)
    texts = [" ".join(words[rng.integers(0, len(WORDS), n)]) for n in lengths]
    frame = pd.DataFrame(
        {
            "comment_id": [f"c{i}" for i in range(rows)],
            "author": [f"user{i}" for i in rng.integers(0, 2_000, rows)],
            "text": texts,
            "source": rng.choice(["forum", "chat", "reviews"], rows),
        }
    )
    scores = np.column_stack([rng.beta(0.6, 3.0, rows), rng.beta(0.4, 5.0, rows)])
    return BatchInput(
        frame=frame,
        text_col="text",
        scores=scores,
        labels=("toxic", "hate"),
        thresholds={"toxic": 0.5, "hate": 0.4},
        model_version="benchmark",
        file_name="synthetic.csv",
        id_col="comment_id",
        author_col="author",
    )


def timed(fn: Callable[..., object], *args: object, **kwargs: object) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def percentiles(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms"


def reviewer_sessions(db: Database, queue: str, names: list[str], decisions: int) -> dict[str, list[float]]:
    """Each reviewer claims and decides ``decisions`` posts; returns the latencies of each step."""
    timings: dict[str, list[float]] = {"claim": [], "decide": [], "both": []}
    lock = threading.Lock()
    start = threading.Barrier(len(names))
    errors: list[BaseException] = []

    def work(name: str) -> None:
        actor = users.user_actor(db, name)
        mine: dict[str, list[float]] = {"claim": [], "decide": [], "both": []}
        try:
            start.wait()
            for i in range(decisions):
                claim_s, item = timed(claim_next, db, actor, queue)
                if item is None:
                    break
                action = "remove" if item.scores["toxic"] > 0.8 else "approve"
                decide_s, _ = timed(decide, db, actor, item.item_id, action, seconds=float(i % 30))
                mine["claim"].append(claim_s)
                mine["decide"].append(decide_s)
                mine["both"].append(claim_s + decide_s)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        with lock:
            for key, values in mine.items():
                timings[key].extend(values)

    threads = [threading.Thread(target=work, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return timings


def run(db: Database, label: str, rows: int, reviewers: int, decisions: int) -> None:
    upgrade(db)
    operator = operator_actor()
    users.add_user(db, operator, "admin", "admin", "benchmark-admin")
    names = [f"reviewer{i}" for i in range(reviewers)]
    for name in names:
        users.add_user(db, operator, name, "reviewer", "benchmark-reviewer")
    admin = users.user_actor(db, "admin")
    batch = synthetic_batch(rows)

    save_s, saved = timed(save_batch, db, admin, batch)
    open_s, opened = timed(open_batch, db, admin, saved.id)
    assert len(opened.frame) == rows
    queue_s, queue = timed(create_queue, db, admin, saved.id, QueueRequest("flagged", Flagged()))
    single = reviewer_sessions(db, "flagged", names[:1], decisions)
    wall_started, cpu_started = time.perf_counter(), time.process_time()
    timings = reviewer_sessions(db, "flagged", names, decisions)
    wall, cpu = time.perf_counter() - wall_started, time.process_time() - cpu_started
    bulk_s, bulk = timed(
        bulk_decide, db, users.user_actor(db, names[0]), "flagged", "approve", ScoreFilter("toxic", max_score=0.55)
    )

    print(f"\n{label}")
    print(f"  save {rows:,} posts          {save_s:7.2f} s  ({rows / save_s:,.0f} posts/s)")
    print(f"  open the saved batch       {open_s:7.2f} s")
    print(f"  queue of flagged posts     {queue_s:7.2f} s  ({queue.size:,} posts)")
    print(f"  bulk decision              {bulk_s:7.2f} s  ({bulk.decided:,} posts, one transaction)")
    print(f"  1 reviewer alone, claim + decide   {percentiles(single['both'])}")
    done = len(timings["decide"])
    print(
        f"  {reviewers} reviewers x {decisions} claim + decide: {done} decisions in {wall:.1f} s "
        f"({done / wall:.0f} decisions/s; this process used {cpu / max(done, 1) * 1000:.1f} ms CPU per decision)"
    )
    print(f"    claim                    {percentiles(timings['claim'])}")
    print(f"    decide                   {percentiles(timings['decide'])}")
    print(f"    claim + decide           {percentiles(timings['both'])}")


@contextlib.contextmanager
def postgres(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from tests.postgres import NoPostgresError, fresh_database, start_cluster

    try:
        cluster_cm = start_cluster(durable=True)
        cluster = cluster_cm.__enter__()
    except NoPostgresError as exc:
        raise RuntimeError(str(exc)) from exc
    try:
        with fresh_database(cluster) as database_url:
            yield database_url
    finally:
        cluster_cm.__exit__(None, None, None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reviewers", type=int, default=8)
    parser.add_argument("--decisions", type=int, default=50, help="claims + decisions per reviewer")
    parser.add_argument("--postgres-url", default=None, help="an existing, empty PostgreSQL database")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        db = Database(str(Path(folder) / "bench.db"))
        run(db, "SQLite (WAL, synchronous=FULL)", args.rows, args.reviewers, args.decisions)
        db.close()
    if args.no_postgres:
        return 0
    try:
        with postgres(args.postgres_url) as url:
            db = Database(url)
            run(
                db,
                "PostgreSQL (local throwaway cluster, fsync on)" if not args.postgres_url else "PostgreSQL",
                args.rows,
                args.reviewers,
                args.decisions,
            )
            db.close()
    except RuntimeError as exc:
        print(f"\nPostgreSQL skipped: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
