"""A local Ray cluster with 2 CPUs, started once per test session for the Ray engine's tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[None]:
    """``ray.init(num_cpus=2)``; workers import this checkout's ``core``."""
    ray = pytest.importorskip("ray")
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        logging_level="ERROR",
        runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(p for p in paths if p)}},
    )
    yield
    ray.shutdown()
