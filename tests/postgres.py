"""A throwaway PostgreSQL cluster for tests and benchmarks, started with pytest-postgresql's executor.

The Debian server binaries (``/usr/lib/postgresql/<version>/bin``; ``make test`` installs
the ``postgresql`` package when root) are used. ``initdb`` refuses to run as root, so
as root the cluster runs as the ``postgres`` OS user through ``runuser``, from a
temporary folder owned by that user. :func:`start_cluster` raises :class:`NoPostgresError`
with the reason when no server can be started; callers skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import stat
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"


class NoPostgresError(RuntimeError):
    """No PostgreSQL server can be started here (the message says why)."""


@dataclass(frozen=True)
class Cluster:
    """A running server: where it listens."""

    host: str
    port: int
    user: str

    def url(self, dbname: str) -> str:
        """SQLAlchemy URL of database ``dbname``."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"


def find_pg_ctl() -> str:
    """``$MODLENS_PG_CTL``, the newest Debian server, or ``pg_ctl`` on PATH."""
    explicit = os.environ.get("MODLENS_PG_CTL")
    if explicit:
        return explicit
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return found[-1]
    on_path = shutil.which("pg_ctl")
    if on_path:
        return on_path
    raise NoPostgresError("PostgreSQL server binaries not found (apt-get install postgresql, or set MODLENS_PG_CTL)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(pg_ctl: str, base: Path) -> str:
    """As root: a wrapper that runs pg_ctl as the postgres OS user, and the folder handed to that user."""
    try:
        account = pwd.getpwnam(SUPERUSER)
    except KeyError as exc:
        raise NoPostgresError("running as root and there is no 'postgres' OS user to run the server as") from exc
    runuser = shutil.which("runuser")
    if runuser is None:
        raise NoPostgresError("running as root and 'runuser' is missing, so initdb cannot run as another user")
    os.chown(base, account.pw_uid, account.pw_gid)
    base.chmod(0o700)
    wrapper = Path(tempfile.mkdtemp(prefix="modlens-pgctl-")) / "pg_ctl"
    wrapper.write_text(f'#!/bin/sh\ncd / && exec {runuser} -u {SUPERUSER} -- {pg_ctl} "$@"\n')
    wrapper.chmod(stat.S_IRWXU)
    return str(wrapper)


@contextmanager
def start_cluster(*, durable: bool = False) -> Iterator[Cluster]:
    """Initialise and start a cluster in a temporary folder; stop it and remove everything afterwards.

    Tests run without fsync (faster); ``durable=True`` keeps PostgreSQL's defaults (benchmarks).
    """
    try:
        from pytest_postgresql.executors import PostgreSQLExecutor
    except ImportError as exc:
        raise NoPostgresError("pytest-postgresql is not installed (pip install -r requirements-dev.txt)") from exc
    pg_ctl = find_pg_ctl()
    base = Path(tempfile.mkdtemp(prefix="modlens-pg-"))
    executable = _as_server_user(pg_ctl, base) if os.geteuid() == 0 else pg_ctl
    port = _free_port()
    executor = PostgreSQLExecutor(
        executable=executable,
        host="127.0.0.1",
        port=port,
        datadir=str(base / "data"),
        unixsocketdir=str(base),
        logfile=str(base / "server.log"),
        startparams="-w",
        dbname="modlens",
        user=SUPERUSER,
        postgres_options="-c max_connections=200"
        + ("" if durable else " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"),
        timeout=60,
    )
    try:
        executor.start()
    except Exception as exc:
        log = base / "server.log"
        detail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
        shutil.rmtree(base, ignore_errors=True)
        raise NoPostgresError(f"the PostgreSQL server did not start: {exc} {' '.join(detail)}".strip()) from exc
    try:
        yield Cluster(host="127.0.0.1", port=port, user=SUPERUSER)
    finally:
        try:
            executor.stop()
        finally:
            shutil.rmtree(base, ignore_errors=True)
            if executable != pg_ctl:
                shutil.rmtree(Path(executable).parent, ignore_errors=True)


@contextmanager
def fresh_database(cluster: Cluster, template: str | None = None) -> Iterator[str]:
    """Create a new database (optionally a copy of ``template``), yield its URL, drop it afterwards."""
    from pytest_postgresql.janitor import DatabaseJanitor

    name = f"t_{uuid.uuid4().hex[:12]}"
    janitor = DatabaseJanitor(
        user=cluster.user, host=cluster.host, port=cluster.port, dbname=name, template_dbname=template
    )
    janitor.init()
    try:
        yield cluster.url(name)
    finally:
        janitor.drop()
