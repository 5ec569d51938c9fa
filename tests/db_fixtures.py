"""Database fixtures for the store and CLI tests: SQLite files and a throwaway PostgreSQL cluster.

Imported by ``tests/core/conftest.py`` and ``tests/cli/conftest.py``.

``db`` runs a test twice, on SQLite and on PostgreSQL (skipped with the reason when no
server can be started). Each test gets a fresh database copied from a template that
was migrated once per session.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from tests.postgres import Cluster, NoPostgresError, fresh_database, start_cluster

DIALECTS = ("sqlite", "postgresql")


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with small costs: the tests hash many passwords on 2 shared cores."""
    from argon2 import PasswordHasher

    from core.store import passwords

    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: fast)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One PostgreSQL server for the whole session."""
    try:
        with start_cluster() as cluster:
            yield cluster
    except NoPostgresError as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")


@pytest.fixture(scope="session")
def pg_template(pg_cluster: Cluster) -> Iterator[str]:
    """A migrated database to copy (``CREATE DATABASE ... TEMPLATE``)."""
    from core.store.db import Database
    from core.store.migrate import upgrade

    with fresh_database(pg_cluster) as url:
        database = Database(url)
        upgrade(database)
        database.close()
        yield url.rsplit("/", 1)[1]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file to copy."""
    from core.store.db import Database
    from core.store.migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "modlens.db"
    database = Database(str(path))
    upgrade(database)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


@pytest.fixture(params=DIALECTS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, migrated database: once SQLite, once PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "modlens.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    with fresh_database(cluster, template=request.getfixturevalue("pg_template")) as url:
        yield url
        from core.store.connect import close_databases

        close_databases()  # the CLI's cached engines hold connections; DROP DATABASE needs none


@pytest.fixture
def db(store_url: str) -> Iterator:
    """A :class:`core.store.db.Database` on ``store_url``."""
    from core.store.connect import close_databases
    from core.store.db import Database

    database = Database(store_url)
    yield database
    database.close()
    close_databases()


@pytest.fixture
def team(db) -> dict:
    """Accounts admin, rev (reviewer), rev2 (reviewer) and ana (analyst); their actors by name."""
    from core.store import users
    from core.store.roles import operator_actor

    operator = operator_actor()
    users.add_user(db, operator, "admin", "admin", "admin-password")
    for name, role in (("rev", "reviewer"), ("rev2", "reviewer"), ("ana", "analyst")):
        users.add_user(db, operator, name, role, f"{name}-password")
    return {name: users.user_actor(db, name) for name in ("admin", "rev", "rev2", "ana")}


def batch_input(n: int = 20, *, labels: tuple[str, ...] = ("toxic", "hate"), **overrides: object):
    """A deterministic scored upload: ``id`` p0.., ``author`` a0..a3, ``text``, one extra column.

    Scores are ``i / n`` for toxic (so ranges are easy to reason about) and half that for hate,
    so the priority order is the row order reversed.
    """
    from core.store.batches import BatchInput

    frame = pd.DataFrame(
        {
            "id": [f"p{i}" for i in range(n)],
            "author": [f"a{i % 4}" for i in range(n)],
            "text": [f"post {i} about muslim neighbours" if i % 5 == 0 else f"post number {i}" for i in range(n)],
            "lang": ["en" if i % 2 else "de" for i in range(n)],
        }
    )
    scores = np.column_stack([np.arange(n) / n, np.arange(n) / (2 * n)])[:, : len(labels)]
    fields = {
        "frame": frame,
        "text_col": "text",
        "scores": scores,
        "labels": labels,
        "thresholds": dict.fromkeys(labels, 0.5),
        "model_version": "v7 test-model (2026-01-01)",
        "file_name": "posts.csv",
        "content_hash": "0" * 64,
        "id_col": "id",
        "author_col": "author",
    }
    fields.update(overrides)
    return BatchInput(**fields)


@pytest.fixture
def make_queue(db) -> Callable[..., str]:
    """Save a batch of ``n`` posts with a queue (default: all posts) and return the queue's name."""
    from core.store.batches import save_batch
    from core.store.queues import QueueRequest
    from core.store.roles import demo_actor
    from core.store.rules import AllPosts

    counter = iter(range(1, 1_000))

    def make(actor=None, n: int = 20, rule=None, reviews_required: int = 1, **overrides: object) -> str:
        name = f"queue-{next(counter)}"
        request = QueueRequest(name, rule or AllPosts(), reviews_required=reviews_required)
        save_batch(db, actor or demo_actor(), batch_input(n, **overrides), queue=request)
        return name

    return make


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str, str]]:
    """Run ``python -m core ARGV`` in-process: (exit code, stdout, stderr); ``stdin`` feeds passwords."""
    import io

    from core.cli import main

    def run(argv: list[str], stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@contextmanager
def racing(monkeypatch: pytest.MonkeyPatch, module: ModuleType, second: Callable[[], object]) -> Iterator[list]:
    """Run ``second`` in a thread while the change made inside the block is inserted but not yet committed.

    The thread starts when that change records its audit event (``module.add_event``, called
    inside its transaction) and gets 2 s before the change goes on: on SQLite it waits for the
    write lock, on PostgreSQL it runs at once. Yields the outcome list: ``"done"`` or the
    exception ``second`` raised (filled once the block has ended).
    """
    outcome: list[BaseException | str] = []

    def run_second() -> None:
        try:
            second()
            outcome.append("done")
        except Exception as exc:  # the test looks at what it was
            outcome.append(exc)

    racer = threading.Thread(target=run_second)
    real_add_event = module.add_event

    def add_event_then_race(*args, **kwargs):
        if not racer.is_alive() and not outcome:
            racer.start()
            racer.join(timeout=2)
        return real_add_event(*args, **kwargs)

    monkeypatch.setattr(module, "add_event", add_event_then_race)
    yield outcome
    racer.join(timeout=60)
