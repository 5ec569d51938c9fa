"""``python -m core score --engine ray``: same scores as the local engine, every row exactly once."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.cli import main
from core.distributed.ray_engine import RayJob, run
from core.model.classifier import ToxicityClassifier
from tests.conftest import tiny_corpus

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("ray_cluster")]


def _mixed_folder(folder: Path) -> dict[str, pd.DataFrame]:
    """Four files of four formats, with different text column names and extra columns."""
    folder.mkdir()
    texts, _ = tiny_corpus(160, seed=5)
    texts[7] = " ".join(["thanks for the help what a nice day"] * 12) + " shut up stupid moron you pathetic idiot"
    frames = {
        "a.csv": pd.DataFrame({"id": [f"a{i}" for i in range(50)], "text": texts[:50], "n": range(50)}),
        "b.tsv": pd.DataFrame({"id": [f"b{i}" for i in range(30)], "tweet": texts[50:80]}),
        "c.jsonl": pd.DataFrame({"id": [f"c{i}" for i in range(40)], "body": texts[80:120], "lang": "en"}),
        "d.parquet": pd.DataFrame({"id": [f"d{i}" for i in range(40)], "comment_text": texts[120:]}),
    }
    frames["a.csv"].to_csv(folder / "a.csv", index=False)
    frames["b.tsv"].to_csv(folder / "b.tsv", sep="\t", index=False)
    frames["c.jsonl"].to_json(folder / "c.jsonl", orient="records", lines=True)
    frames["d.parquet"].to_parquet(folder / "d.parquet")
    return frames


def _read_parts(outdir: Path) -> pd.DataFrame:
    return pd.concat([pd.read_parquet(p) for p in sorted(outdir.glob("part-*.parquet"))], ignore_index=True)


def test_ray_scores_a_mixed_folder_like_the_local_engine(tiny_model_dir: Path, tmp_path: Path) -> None:
    frames = _mixed_folder(tmp_path / "in")
    out = tmp_path / "out"
    code = main(["score", str(tmp_path / "in"), "-o", str(out), "--engine", "ray", "--model", str(tiny_model_dir)])
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["rows_in"] == manifest["rows_out"] == 160
    assert manifest["model"]["name"] == "tiny-test-model" and set(manifest["thresholds"]) == {"toxic", "hate"}
    assert [(Path(f["path"]).name, f["rows_in"], f["text_col"]) for f in manifest["files"]] == [
        ("a.csv", 50, "text"),
        ("b.tsv", 30, "tweet"),
        ("c.jsonl", 40, "body"),
        ("d.parquet", 40, "comment_text"),
    ]
    clf = ToxicityClassifier.load(tiny_model_dir)
    for file in manifest["files"]:
        source = frames[Path(file["path"]).name]
        parts = pd.concat([pd.read_parquet(out / name) for name in file["parts"]], ignore_index=True)
        labels = [f"{kind}_{label}" for label in clf.labels_ for kind in ("score", "flag")]
        assert list(parts.columns) == [*source.columns, *labels]
        assert parts["id"].tolist() == source["id"].tolist()
        text = source.columns[1]
        np.testing.assert_allclose(
            parts[["score_toxic", "score_hate"]], clf.predict_proba(source[text].tolist()), atol=1e-6
        )
    assert _read_parts(out).set_index("id").loc["a7", "flag_toxic"] == 1  # the insult at the end of a long post


def test_a_bad_file_is_one_line_naming_it_and_leaves_nothing(tiny_model_dir: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    pd.DataFrame({"id": [1, 2], "text": ["hi", "you idiot"]}).to_csv(folder / "good.csv", index=False)
    (folder / "bad.csv").write_text('id,message\n1,"never closed\n', encoding="utf-8")
    out = tmp_path / "out"
    code = main(["score", str(folder), "-o", str(out), "--engine", "ray", "--model", str(tiny_model_dir)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith("error: bad.csv: ") and "quoted field" in err[-1]
    assert not list(out.iterdir())


def _kill_one_actor_after(outdir: Path, parts: int, killed: list[int], done: threading.Event) -> None:
    """Wait until ``parts`` parts exist in the staging folder, then SIGKILL one scoring actor's process.

    Waits as long as the run lasts (``done``): on a loaded machine Ray's start-up alone can take minutes.
    """
    while not done.is_set():
        staged = list(outdir.glob(".modlens-run-*/part-*.parquet"))
        if len(staged) >= parts:
            for pid in _actor_pids():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
        time.sleep(0.02)


def _actor_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"MapBatches(ScoreBlocks)" in cmdline and int(entry.name) != os.getpid():
                pids.append(int(entry.name))
    return pids[:1]


def test_killing_an_actor_loses_and_duplicates_nothing(tiny_model_dir: Path, tmp_path: Path) -> None:
    texts, _ = tiny_corpus(3_000, seed=9)
    folder = tmp_path / "in"
    folder.mkdir()
    pd.DataFrame({"id": range(3_000), "text": texts}).to_csv(folder / "posts.csv", index=False)
    out, killed, done = tmp_path / "out", [], threading.Event()
    killer = threading.Thread(target=_kill_one_actor_after, args=(out, 4, killed, done), daemon=True)
    killer.start()
    try:
        manifest = run(RayJob(str(folder), out, tiny_model_dir, actors=2, chunk_rows=50))
    finally:
        done.set()
        killer.join(timeout=5)
    assert killed, "no actor was killed: the run ended too soon to test recovery"
    scored = _read_parts(out)
    assert manifest["rows_in"] == manifest["rows_out"] == 3_000
    assert sorted(scored["id"].astype(int)) == list(range(3_000))
    assert not list(out.glob(".modlens-run-*"))
