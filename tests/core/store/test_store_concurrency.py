from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from core.store import users
from core.store.decisions import decide
from core.store.roles import operator_actor
from core.store.schema import Decision

ROOT = Path(__file__).resolve().parents[3]

WORKER = """
import json, sys, time
from core.store.claims import claim_next
from core.store.decisions import decide
from core.store.db import Database
from core.store.users import user_actor
db = Database(sys.argv[1])
actor = user_actor(db, sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()  # start together
taken = []
while (item := claim_next(db, actor, sys.argv[3])) is not None:
    taken.append(item.item_id)
    time.sleep(0.02)  # reading the post; without a pause one SQLite process can starve the other
    decide(db, actor, item.item_id, "approve")
print(json.dumps(taken), flush=True)
"""

BULK_WORKER = """
import sys
from core.store.db import Database
from core.store.decisions import ScoreFilter, bulk_decide
from core.store.users import user_actor
db = Database(sys.argv[1])
actor = user_actor(db, "rev")
for k in range(4):
    print(f"begin {k}", flush=True)
    bulk_decide(db, actor, sys.argv[2], "approve", ScoreFilter("toxic", min_score=k / 4, max_score=k / 4 + 0.2499))
    print(f"committed {k}", flush=True)
"""


def _reviewers(db, count: int) -> list[str]:
    names = [f"r{i}" for i in range(count)]
    users.add_user(db, operator_actor(), "admin", "admin", "admin-password")
    for name in names:
        users.add_user(db, operator_actor(), name, "reviewer", "reviewer-password")
    return names


def _decisions_per_item(db) -> dict[int, int]:
    with db.read() as session:
        rows = session.execute(select(Decision.item_id, func.count()).group_by(Decision.item_id)).all()
    return dict(rows)


def test_reviewers_in_threads_never_get_the_same_post(db, make_queue) -> None:
    names = _reviewers(db, 4)
    queue = make_queue(users.user_actor(db, "admin"), n=60)
    taken: dict[str, list[int]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(len(names))

    def work(name: str) -> None:
        from core.store.claims import claim_next

        actor = users.user_actor(db, name)
        mine = taken.setdefault(name, [])
        try:
            start.wait()
            while (item := claim_next(db, actor, queue)) is not None:
                mine.append(item.item_id)
                decide(db, actor, item.item_id, "approve")
        except BaseException as exc:  # collected and re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    everything = [item for items in taken.values() for item in items]
    assert len(everything) == len(set(everything)) == 60
    assert set(_decisions_per_item(db).values()) == {1}


def test_reviewers_in_two_processes_never_get_the_same_post(db, make_queue) -> None:
    names = _reviewers(db, 2)
    queue = make_queue(users.user_actor(db, "admin"), n=40)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, db.url, name, queue],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready"
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    results = [json.loads(worker.communicate(timeout=180)[0]) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers)
    first, second = (set(r) for r in results)
    assert not first & second and len(first | second) == 40
    assert first and second  # both processes did work
    assert set(_decisions_per_item(db).values()) == {1}


def test_kill_9_during_a_bulk_decision_keeps_committed_work_and_no_half_bulk(db, make_queue) -> None:
    from core.store.claims import find_item

    _reviewers(db, 0)
    users.add_user(db, operator_actor(), "rev", "reviewer", "reviewer-password")
    rev = users.user_actor(db, "rev")
    n = 8_000
    queue = make_queue(users.user_actor(db, "admin"), n=n)
    decide(db, rev, find_item(db, rev, queue, "p1"), "remove")  # committed before the crash
    worker = subprocess.Popen(
        [sys.executable, "-c", BULK_WORKER, db.url, queue],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = []
    while True:
        line = worker.stdout.readline().strip()
        lines.append(line)
        if line == "begin 1":  # bulk 0 is committed, bulk 1 has started
            break
        assert line, f"worker ended early: {lines}"
    time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    lines += worker.stdout.read().splitlines()

    with db.read() as session:
        by_rule = dict(
            session.execute(
                select(Decision.rule_text, func.count()).where(Decision.source == "rule").group_by(Decision.rule_text)
            ).all()
        )
        person = session.scalar(select(func.count()).select_from(Decision).where(Decision.source == "person"))
    assert person == 1
    assert by_rule.get("0 <= score_toxic <= 0.2499") == n // 4 - 1  # p1 was decided by a person
    for k in range(1, 4):  # every other bulk: all of it or none of it (all when it said it committed)
        rule = f"{k / 4:g} <= score_toxic <= {k / 4 + 0.2499:g}"
        assert by_rule.get(rule, 0) in ((n // 4,) if f"committed {k}" in lines else (0, n // 4)), by_rule
