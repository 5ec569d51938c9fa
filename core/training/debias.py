"""Reduce unintended identity bias in training: augmentation and re-weighting.

Toxicity models learn identity words ("gay", "muslim") as evidence of toxicity
because those words co-occur with abuse in training data. Two remedies, used
together by default (``python -m core train ... --debias``):

- **augmentation**: sentences from the project's *augmentation* templates
  (``assets/debias_templates.csv``, separate from the evaluation templates in
  ``assets/identity_templates.csv``) filled with every identity phrase of the
  lexicon; harmless ones labelled non-toxic, hostile ones toxic and hate, so
  the hostile words, not the identity word, carry the signal;
- **re-weighting**: non-toxic training posts that mention an identity term
  weigh more in the loss.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.bias import load_lexicon, match_identities
from core.bias.lexicon import Lexicon
from core.errors import ConfigError, ModLensError
from core.paths import ASSETS_DIR
from core.training.validate import check_number, check_whole

AUGMENTATION_TEMPLATES = ASSETS_DIR / "debias_templates.csv"
#: Template slots: the lexicon's plural phrases, or its terms used as adjectives.
SLOTS = ("{identity}", "{adjective}")
#: Template kinds and the label their sentences get (toxic and hate alike).
KIND_LABELS = (("harmless", 0.0), ("hostile", 1.0))
#: Most augmentation sentences per kind and phrase (the templates hold a few hundred per kind).
MAX_SENTENCES = 10_000
#: Largest loss weight accepted: far above any useful one, low enough that the loss stays finite.
MAX_WEIGHT = 1_000.0


@dataclass(frozen=True)
class DebiasConfig:
    """How to debias a training run.

    ``sentences_per_phrase`` templates of each kind are drawn per identity phrase and per
    identity adjective (all of them when the kind has fewer templates);
    ``identity_weight`` is the loss weight of non-toxic posts that mention an identity
    (1.0 turns re-weighting off). ``balance_cap`` > 0 weights each identity term's
    harmless posts by how skewed towards hostile the term's posts are, from
    ``identity_weight`` up to ``balance_cap`` (:mod:`core.training.balance`; 0: the flat weight).
    """

    augment: bool = True
    sentences_per_phrase: int = 8
    identity_weight: float = 1.5
    seed: int = 13
    balance_cap: float = 0.0

    def __post_init__(self) -> None:
        """Refuse settings out of range before any data is read (a negative count crashed mid-run)."""
        check_whole("--debias-sentences (sentences per phrase)", self.sentences_per_phrase, 0, MAX_SENTENCES)
        check_number("--identity-weight", self.identity_weight, 0.0, MAX_WEIGHT)
        check_whole("the debiasing seed", self.seed, 0, 2**32 - 1)
        check_number("--identity-balance", self.balance_cap, 0.0, MAX_WEIGHT)
        if self.balance_cap and not self.balance_cap >= max(1.0, self.identity_weight):
            raise ConfigError(
                f"--identity-balance must be 0 (off) or at least --identity-weight ({self.identity_weight:g}) "
                f"and 1; not {self.balance_cap:g}."
            )


def load_augmentation_templates(path: Path = AUGMENTATION_TEMPLATES) -> pd.DataFrame:
    """The augmentation templates (``template``, ``kind`` = harmless / hostile)."""
    if not Path(path).exists():
        raise ModLensError(f"Augmentation templates '{path}' not found. Restore assets/debias_templates.csv.")
    frame = pd.read_csv(path, keep_default_na=False)
    if not {"template", "kind"} <= set(frame.columns):
        raise ModLensError(f"'{path}' needs the columns template and kind.")
    slots = sum(frame["template"].str.count(re.escape(slot)) for slot in SLOTS)
    if not (slots == 1).all():
        bad = frame.loc[slots != 1, "template"].iloc[0]
        raise ModLensError(
            f"'{path}': every template needs exactly one {{identity}} or {{adjective}}; {bad!r} does not."
        )
    return frame


def identity_adjectives(lexicon: Lexicon) -> list[str]:
    """Lexicon terms used as adjectives in a plural phrase: "jewish" (jewish people), "muslim" (muslim women).

    The plural phrases alone never put the adjective at the end of a sentence ("I'm
    jewish."), so a model trained only on them still learns the bare adjective from
    abuse.
    """
    terms = set(lexicon.terms["term"])
    plurals = set(lexicon.terms["plural"])
    return sorted(term for term in terms if term not in plurals and any(p.startswith(term + " ") for p in plurals))


def augmentation_frame(
    config: DebiasConfig, lexicon: Lexicon | None = None, templates: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Labelled sentences (``text, toxic, hate, split='train'``) for every identity phrase and adjective."""
    lexicon = lexicon or load_lexicon()
    templates = templates if templates is not None else load_augmentation_templates()
    rng = np.random.default_rng(config.seed)
    fillings = {"{identity}": sorted(set(lexicon.terms["plural"])), "{adjective}": identity_adjectives(lexicon)}
    rows = []
    for slot, phrases in fillings.items():
        with_slot = templates.loc[templates["template"].str.contains(slot, regex=False)]
        pools = [
            (with_slot.loc[with_slot["kind"] == kind, "template"].to_numpy(), label) for kind, label in KIND_LABELS
        ]
        for phrase, (pool, label) in itertools.product(phrases, pools):
            for template in rng.choice(pool, size=min(config.sentences_per_phrase, len(pool)), replace=False):
                text = template.replace(slot, phrase)
                rows.append((text[0].upper() + text[1:] if rng.random() < 0.5 else text, label, label, "train"))
    return pd.DataFrame(rows, columns=["text", "toxic", "hate", "split"])


def identity_weights(texts: Sequence[str], y: np.ndarray, weight: float, lexicon: Lexicon | None = None) -> np.ndarray:
    """Per-post loss weights: ``weight`` for known non-toxic posts that mention an identity, else 1."""
    weights = np.ones(len(texts), dtype=np.float32)
    if weight == 1.0 or not len(texts):
        return weights
    mentions = match_identities(list(texts), lexicon or load_lexicon()).groups.any(axis=1).to_numpy()
    non_toxic = np.nan_to_num(y[:, 0], nan=1.0) == 0
    weights[mentions & non_toxic] = weight
    return weights
