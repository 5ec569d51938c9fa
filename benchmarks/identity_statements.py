"""How often short, neutral statements about an identity group are flagged, per model.

The templated identity test (``assets/identity_templates.csv``) mixes long and
short sentences; this probe uses only short ones ("I am deaf.", "Muslims are
nice.", "My doctor is jewish."), where the identity word is nearly the whole post
and weighs most. None of these sentences is in the project's training or
evaluation material (the frames below are written here only), so the figures do
not come from sentences a model was trained on.

Printed per model: the share flagged at the model's own toxic threshold, the mean
toxic and hate scores, and the identity words whose sentences score highest.

Run from the repository root::

    .venv/bin/python benchmarks/identity_statements.py MODEL_DIR [MODEL_DIR ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.model.classifier import ToxicityClassifier  # noqa: E402

ADJECTIVES = (
    "jewish",
    "muslim",
    "gay",
    "lesbian",
    "black",
    "white",
    "asian",
    "mexican",
    "trans",
    "transgender",
    "deaf",
    "blind",
    "christian",
    "disabled",
    "queer",
    "bisexual",
    "african",
    "chinese",
    "indian",
    "arab",
    "latino",
    "old",
    "young",
    "female",
    "male",
    "catholic",
    "buddhist",
    "hindu",
    "sikh",
    "atheist",
)
"""Identity words that read as adjectives ("I am deaf.")."""
PLURALS = (
    "jews",
    "muslims",
    "gay people",
    "lesbians",
    "black people",
    "white people",
    "asian people",
    "mexicans",
    "trans people",
    "deaf people",
    "blind people",
    "christians",
    "disabled people",
    "immigrants",
    "refugees",
    "women",
    "men",
    "arabs",
    "latinos",
    "old people",
)
"""Plural group names ("Muslims are nice.")."""
ADJECTIVE_FRAMES = (
    "I am {}.",
    "My friend is {}.",
    "I am a proud {} person.",
    "{} people are great.",
    "Being {} is fine.",
    "My doctor is {}.",
    "She is {} and works as a teacher.",
    "I am {} and I like to read.",
)
PLURAL_FRAMES = (
    "{} are nice.",
    "I am friends with many {}.",
    "{} celebrate holidays too.",
    "I like {}.",
    "Some {} live on my street.",
    "{} are welcome here.",
)


def statements() -> pd.DataFrame:
    """Every probe sentence (``word``, ``text``), first letter capitalised."""
    rows = [(word, frame.format(word)) for word in ADJECTIVES for frame in ADJECTIVE_FRAMES]
    rows += [(word, frame.format(word)) for word in PLURALS for frame in PLURAL_FRAMES]
    return pd.DataFrame([(word, text[0].upper() + text[1:]) for word, text in rows], columns=["word", "text"])


def summary(model_dir: Path, probe: pd.DataFrame, worst: int = 6) -> str:
    """One line per model: flagged share, mean scores and the highest-scoring identity words."""
    clf = ToxicityClassifier.load(model_dir)
    scores = clf.predict_proba(probe["text"].tolist())
    toxic = scores[:, clf.labels_.index("toxic")]
    frame = probe.assign(toxic=toxic)
    threshold = clf.thresholds_["toxic"]
    hate = f" hate {scores[:, clf.labels_.index('hate')].mean():.3f}" if "hate" in clf.labels_ else ""
    by_word = frame.groupby("word")["toxic"].mean().sort_values(ascending=False).head(worst)
    return (
        f"{model_dir} ({clf.metadata_.get('name')}): {len(frame)} statements, "
        f"flagged {(toxic >= threshold).mean():.3f} at toxic threshold {threshold:.3f}; "
        f"mean toxic {toxic.mean():.3f}{hate}; highest: "
        + ", ".join(f"{word} {score:.2f}" for word, score in by_word.items())
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=Path, help="model directories")
    args = parser.parse_args(argv)
    probe = statements()
    for model_dir in args.models:
        print(summary(model_dir, probe), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
