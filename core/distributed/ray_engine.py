"""Score post files on a Ray cluster with Ray Data: read tasks read the files, an actor pool scores them.

Pipeline: a :class:`PostFiles` datasource makes one read task per file that reads
it with the local engine's own reader (:func:`core.io.streaming.iter_posts`: same
text-column rules, same one-line errors, now prefixed with the file name) in
blocks of ``chunk_rows`` rows, each row keyed by (file number, row number); then
``map_batches`` over a fixed pool of :class:`ScoreBlocks` actors scores whole
blocks and writes each as an atomic Parquet part (see
:mod:`core.distributed.outdir` for why that is exactly-once). Actors that die are
restarted and their blocks retried: Ray Data's actor pools default to
``max_restarts=-1`` and ``max_task_retries=-1`` (no limit), which this relies on.

Each actor loads the model once, from the model folder with Keras
``safe_mode=True`` (never pickled), and sets TensorFlow's threads to the CPUs it
holds. Workers need the same Python environment (``requirements.txt``); on an
existing cluster ModLens' ``core`` package is shipped with the job
(``py_modules``). Input files, the model folder and OUTDIR must be reachable under
the same paths from every node (a shared file system), as with any Ray Data file
pipeline; on a local cluster they simply are.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import ray
from ray.data import Datasource

from core.distributed import outdir as out
from core.distributed.files import input_files
from core.distributed.schemas import unify_parts
from core.errors import ModLensError

FILE_KEY = "__modlens_file"
ROW_KEY = "__modlens_row"
CHUNK_ROWS = 20_000
"""Rows per part: parts hold rows ``k * CHUNK_ROWS`` up to ``(k + 1) * CHUNK_ROWS`` of a file (or fewer).

Ray Data may hand an actor a bigger block (its read stage merges small blocks up to
``DataContext.target_max_block_size``), so the actor cuts what it gets on this grid
before scoring: a part never holds more rows, and its name depends only on the rows.
"""
_CORE = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class RayJob:
    """What to score and how: input, output folder, model folder and cluster settings."""

    source: str
    outdir: Path
    model_dir: Path
    text_col: str | None = None
    address: str | None = None
    actors: int | None = None
    """Scoring actors; None: one per ``cpus_per_actor`` CPUs of the cluster."""
    cpus_per_actor: float = 1.0
    chunk_rows: int = CHUNK_ROWS
    long_posts: str = "windows"


def run(job: RayJob) -> dict[str, Any]:
    """Score every row of every input file into Parquet parts in ``job.outdir``; return the manifest."""
    if job.actors is not None and job.actors < 1:
        raise ModLensError(f"--actors {job.actors}: give a positive number of scoring actors.")
    if not (math.isfinite(job.cpus_per_actor) and job.cpus_per_actor > 0):
        raise ModLensError(f"--cpus-per-actor {job.cpus_per_actor}: give a positive number of CPUs, such as 1 or 0.5.")
    if job.chunk_rows < 1:
        raise ModLensError(f"Rows per part must be positive, not {job.chunk_rows}.")
    from core.model.artifact import read_metadata

    files = input_files(job.source, exclude=job.outdir)
    model_dir = Path(job.model_dir).resolve()
    metadata = read_metadata(model_dir)  # clear errors for a missing or damaged model before any cluster work
    staging = out.prepare(job.outdir)
    started_ray = False
    started = time.perf_counter()
    try:
        started_ray = _connect(job.address)
        if started_ray:  # a cluster of this machine only (an existing cluster may add nodes as it scales up)
            check_cpus_per_actor(job.cpus_per_actor, _node_cpus())
        actors = job.actors or max(1, int(ray.cluster_resources().get("CPU", 1) // job.cpus_per_actor))
        runtime_env = _runtime_env(job.address)
        dataset = ray.data.read_datasource(
            PostFiles(files, job.text_col, job.chunk_rows, str(staging)), num_cpus=0, runtime_env=runtime_env
        )
        scored = dataset.map_batches(
            ScoreBlocks,
            batch_size=None,
            batch_format="pandas",
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=job.cpus_per_actor,
            fn_constructor_kwargs={
                "model_dir": str(model_dir),
                "staging": str(staging),
                "text_col": job.text_col,
                "long_posts": job.long_posts,
                "threads": max(1, round(job.cpus_per_actor)),
                "chunk_rows": job.chunk_rows,
            },
            runtime_env=runtime_env,
        )
        for _ in scored.iter_batches(batch_size=None, batch_format="pandas"):
            pass
        counts = out.verify(staging, files)
        unify_parts(staging, [(count.path, count.parts) for count in counts])  # one schema per input file
    except BaseException as exc:
        out.abort(staging)
        raise _user_error(exc) or exc from None
    finally:
        if started_ray:
            ray.shutdown()
    seconds = time.perf_counter() - started
    manifest = _manifest(job, actors, metadata, counts, seconds)
    out.commit(staging, manifest)
    return manifest


class PostFiles(Datasource):
    """Ray Data datasource: one read task per file, blocks of ``chunk_rows`` keyed rows."""

    def __init__(self, files: list[Path], text_col: str | None, chunk_rows: int, staging: str) -> None:
        self._files, self._text_col, self._chunk_rows, self._staging = files, text_col, chunk_rows, staging

    def estimate_inmemory_data_size(self) -> int:
        """About the files' size on disk."""
        return sum(file.stat().st_size for file in self._files)

    def get_read_tasks(self, parallelism: int, per_task_row_limit: int | None = None, data_context: Any = None) -> list:
        """One read task per file (a file is read in order, so its row numbers are its own)."""
        from ray.data.block import BlockMetadata
        from ray.data.datasource import ReadTask

        tasks = []
        for index, file in enumerate(self._files):
            meta = BlockMetadata(
                num_rows=None, size_bytes=file.stat().st_size, input_files=[str(file)], exec_stats=None
            )
            tasks.append(ReadTask(block_reader(file, index, self._text_col, self._chunk_rows, self._staging), meta))
        return tasks


def block_reader(file: Path, index: int, text_col: str | None, chunk_rows: int, staging: str):
    """The read function of one file: its blocks with (file, row) keys, then a record of its row count.

    Blocks end on multiples of ``chunk_rows`` (the part grid), so each becomes one part.
    """

    def read() -> Iterator[pd.DataFrame]:
        from core.io.streaming import iter_posts

        rows, column, notes = 0, text_col or "", {}
        try:
            # the local engine's chunks (a JSON Lines file's columns are its first chunk's keys), cut into blocks
            for posts in iter_posts(file, text_col=text_col):
                notes.update(dict.fromkeys(posts.notes))
                whole = posts.frame.reset_index(drop=True)
                start = 0
                while start < len(whole):
                    frame = whole.iloc[start : start + chunk_rows - rows % chunk_rows].reset_index(drop=True)
                    start += len(frame)
                    frame[FILE_KEY] = index
                    frame[ROW_KEY] = range(rows, rows + len(frame))
                    rows, column = rows + len(frame), posts.text_col
                    yield frame
        except ModLensError as exc:
            raise ModLensError(f"{file.name}: {exc}") from None
        out.record_read(Path(staging), index, rows, column, tuple(notes))

    return read


class ScoreBlocks:
    """The scoring actor: loads the model once, scores whole blocks, writes each as an atomic part."""

    def __init__(
        self,
        model_dir: str,
        staging: str,
        text_col: str | None,
        long_posts: str,
        threads: int,
        chunk_rows: int = CHUNK_ROWS,
    ) -> None:
        os.environ["OMP_NUM_THREADS"] = str(threads)
        from core.model.network import tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
        from core.model.classifier import ToxicityClassifier
        from core.model.runtime import set_scoring_threads

        set_scoring_threads(threads)
        self.model = ToxicityClassifier.load(model_dir)
        self.model.long_posts = long_posts
        self.staging, self.text_col, self.chunk_rows = Path(staging), text_col, chunk_rows
        self.meta = {"model": self.model.metadata_.get("name", ""), "thresholds": self.model.thresholds_}

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        """Score a batch (cut into parts on the ``chunk_rows`` grid) and return where its parts went."""
        from core.io.posts import Posts, resolve_text_column
        from core.scoring import score_posts

        written = []
        for index, first, block in part_blocks(batch, self.chunk_rows):
            frame = block.drop(columns=[FILE_KEY, ROW_KEY]).reset_index(drop=True)
            posts = Posts(frame=frame, text_col=resolve_text_column(frame, self.text_col))
            name = out.write_part(self.staging, score_posts(self.model, posts), index, first, self.meta)
            written.append({"file_index": index, "first_row": first, "rows": len(block), "part": name})
        return pd.DataFrame(written, columns=["file_index", "first_row", "rows", "part"])


def part_blocks(batch: pd.DataFrame, chunk_rows: int) -> Iterator[tuple[int, int, pd.DataFrame]]:
    """``(file number, first row, rows)`` of each part in a batch, in order.

    A part is a run of consecutive rows of one file that stays inside one cell of the
    ``chunk_rows`` grid, so its name and rows depend only on the input, however Ray
    merged or split the blocks (and a retried batch rewrites the same parts).
    """
    files = batch[FILE_KEY].to_numpy()
    rows = batch[ROW_KEY].to_numpy()
    new = np.ones(len(batch), dtype=bool)
    new[1:] = (files[1:] != files[:-1]) | (rows[1:] != rows[:-1] + 1) | (rows[1:] % chunk_rows == 0)
    bounds = [*np.flatnonzero(new).tolist(), len(batch)]
    for start, end in itertools.pairwise(bounds):
        yield int(files[start]), int(rows[start]), batch.iloc[start:end]


def check_cpus_per_actor(cpus_per_actor: float, node_cpus: list[float]) -> None:
    """Refuse actors bigger than every node: Ray would wait for them forever (the run would hang).

    Raises
    ------
    ModLensError
        When no node of the cluster has ``cpus_per_actor`` CPUs.

    """
    largest = max(node_cpus, default=0.0)
    if cpus_per_actor > largest:
        raise ModLensError(
            f"--cpus-per-actor {cpus_per_actor:g}: no node of the cluster has that many CPUs (the largest has "
            f"{largest:g}). Give at most {largest:g}."
        )


def _node_cpus() -> list[float]:
    """CPUs of each live node of the connected cluster."""
    return [float(node.get("Resources", {}).get("CPU", 0)) for node in ray.nodes() if node.get("Alive")]


def _connect(address: str | None) -> bool:
    """Connect to ``address`` (or ``RAY_ADDRESS``), or start a local cluster; True if this call started Ray."""
    for name in ("ray", "ray.data"):  # the CLI's promise: an error is one line on stderr
        logging.getLogger(name).setLevel(logging.CRITICAL)
    from ray.data import DataContext

    DataContext.get_current().enable_progress_bars = False
    if ray.is_initialized():
        return False
    try:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    except (ConnectionError, ValueError, RuntimeError) as exc:
        where = address or os.environ.get("RAY_ADDRESS", "")
        raise ModLensError(f"Cannot connect to the Ray cluster at '{where}' ({exc}). Check --address.") from exc
    return True


def _runtime_env(address: str | None) -> dict[str, Any]:
    """Code for the workers: this checkout on PYTHONPATH locally, the ``core`` package shipped to a cluster."""
    if address or os.environ.get("RAY_ADDRESS"):
        return {"py_modules": [str(_CORE)]}
    return {
        "env_vars": {"PYTHONPATH": os.pathsep.join(filter(None, [str(_CORE.parent), os.environ.get("PYTHONPATH")]))}
    }


def _user_error(exc: BaseException) -> ModLensError | None:
    """The ModLensError behind a Ray error (Ray wraps what a task raised), if any."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ModLensError) and not isinstance(current, ray.exceptions.RayError):
            return ModLensError(str(current).splitlines()[0] if str(current) else type(current).__name__)
        stack += [current.__context__, current.__cause__, getattr(current, "cause", None)]
    return None


def _manifest(
    job: RayJob, actors: int, metadata: dict[str, Any], counts: list[out.FileCount], seconds: float
) -> dict[str, Any]:
    rows_in = sum(count.rows_in for count in counts)
    return {
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 3),
        "engine": "ray",
        "actors": actors,
        "cpus_per_actor": job.cpus_per_actor,
        "model": {"name": metadata.get("name", ""), "directory": str(job.model_dir), "labels": metadata["labels"]},
        "thresholds": metadata.get("thresholds", {}),
        "long_posts": job.long_posts,
        "rows_in": rows_in,
        "rows_out": sum(count.rows_out for count in counts),
        "posts_per_second": round(rows_in / seconds, 1) if seconds > 0 else None,
        "files": [
            {
                "path": c.path,
                "text_col": c.text_col,
                "rows_in": c.rows_in,
                "rows_out": c.rows_out,
                "parts": list(c.parts),
                "notes": list(c.notes),
            }
            for c in counts
        ],
    }
