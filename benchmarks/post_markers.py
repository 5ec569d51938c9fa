"""Cost of the Score table's post markers (long post, words the model does not know) next to scoring itself.

The dashboard computes both markers in the scoring worker after the scores; this prints
the seconds per 10,000 posts for scoring, ``ToxicityClassifier.unknown_words`` and
``long_post_mask`` on the bundled sample posts (repeated) and, when ``../shared/data``
has it, Jigsaw comments (longer, 13% past the 120-token window). CPU seconds are
printed next to wall time because a shared machine's wall time depends on its load.

Usage: python benchmarks/post_markers.py [--rows 20000] [--model DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from benchmarks.options import at_least  # noqa: E402


def _texts(rows: int) -> dict[str, list[str]]:
    sample = pd.read_csv(ROOT / "assets" / "sample_posts.csv", keep_default_na=False, dtype=str)["text"].tolist()
    inputs = {"sample posts": (sample * (rows // len(sample) + 1))[:rows]}
    jigsaw = next(iter(sorted(DATA.glob("**/text_comment_1.csv*"))), None) if DATA.exists() else None
    if jigsaw is not None:
        frame = pd.read_csv(jigsaw, nrows=rows, keep_default_na=False, dtype=str)
        column = next(c for c in frame.columns if "comment" in c.lower() or c.lower() == "text")
        inputs["jigsaw comments"] = frame[column].tolist()
    return inputs


def _timed(call) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=at_least(1), default=20_000)
    parser.add_argument("--model", type=Path, default=ROOT / "assets" / "model")
    args = parser.parse_args(argv)

    from core.model.classifier import ToxicityClassifier

    clf = ToxicityClassifier.load(args.model).warm_up()
    clf.unknown_words(["warm up"])
    clf.long_post_mask(["warm up"])
    print(f"{'input':<18}{'posts':>8}  {'step':<16}{'wall s/10k':>11}{'CPU s/10k':>11}")
    for name, texts in _texts(args.rows).items():
        per = 10_000 / len(texts)
        for step, call in (
            ("scoring", lambda t=texts: clf.predict_proba(t)),
            ("unknown words", lambda t=texts: clf.unknown_words(t)),
            ("long post", lambda t=texts: clf.long_post_mask(t)),
        ):
            wall, cpu = _timed(call)
            print(f"{name:<18}{len(texts):>8,}  {step:<16}{wall * per:>11.2f}{cpu * per:>11.2f}")


if __name__ == "__main__":
    main()
