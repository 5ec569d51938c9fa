"""``kill PID`` (SIGTERM: ``timeout``, a scheduler stopping a job) leaves neither output nor temporary file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_sigterm_while_scoring_removes_the_temporary_file(tmp_path: Path) -> None:
    source = tmp_path / "posts.csv"
    source.write_text("id,text\n" + "".join(f"{i},post {i}\n" for i in range(200_000)))
    target = tmp_path / "scored.csv"
    script = textwrap.dedent(
        f"""
        import sys, time
        import core.cli.score as score
        from core.cli import main
        from tests.ui.fake_model import KeywordModel

        class Slow(KeywordModel):
            seen = 0

            def predict_proba(self, texts):
                if self.seen == 50_000:  # the first chunk of the file is written: wait in the second
                    print("writing", flush=True)
                    time.sleep(60)
                self.seen += len(texts)
                return super().predict_proba(texts)

        score.load_model_from_args = lambda args: Slow()
        score._one_thread_per_op = lambda: None
        sys.exit(main(["score", {str(source)!r}, "-o", {str(target)!r}]))
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
        assert any(".part-" in p.name for p in tmp_path.iterdir())  # the first chunk is in the temporary file
        os.kill(child.pid, signal.SIGTERM)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 128 + signal.SIGTERM, err
    assert err.strip().splitlines()[-1] == "error: terminated"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["posts.csv"]
