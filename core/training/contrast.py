"""Contrast pairs written for the project: the same hostile claim stated, negated, condemned or quoted.

A word-level model learns that "vermin" next to an identity word means hate, and
then flags "I would never say immigrants are vermin". Contrast pairs teach the
difference from data: every pair of templates in ``assets/contrast_templates.csv``
is filled with one identity phrase and one claim (or insult) from
``assets/contrast_fillers.csv``, so the sentences of a pair differ only in how the
claim is framed, and their labels say which framings are hostile.

The templates and fillers are training material only; they are kept apart from the
evaluation templates (``identity_templates.csv``) and the functional cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.bias import load_lexicon
from core.bias.lexicon import Lexicon
from core.errors import ModLensError
from core.paths import ASSETS_DIR
from core.training.validate import check_whole

CONTRAST_TEMPLATES = ASSETS_DIR / "contrast_templates.csv"
CONTRAST_FILLERS = ASSETS_DIR / "contrast_fillers.csv"
SLOTS = ("identity", "claim", "insult", "thing", "harm", "harmed", "profane", "exclaim", "self", "slur_free_insult")


@dataclass(frozen=True)
class ContrastConfig:
    """``fills_per_pair`` random fillings of every template pair (all its framings share one filling)."""

    fills_per_pair: int = 12
    seed: int = 13

    def __post_init__(self) -> None:
        """Refuse settings out of range before any data is read."""
        check_whole("--contrast (fillings per template pair)", self.fills_per_pair, 1, 10_000)
        check_whole("the contrast seed", self.seed, 0, 2**32 - 1)


def load_contrast_assets(
    templates: Path = CONTRAST_TEMPLATES, fillers: Path = CONTRAST_FILLERS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The templates (``pair, kind, template, toxic, hate``) and fillers (``slot, text``)."""
    for path in (templates, fillers):
        if not Path(path).exists():
            raise ModLensError(f"Contrast file '{path}' not found. Restore it from the repository's assets/.")
    frame = pd.read_csv(templates, keep_default_na=False)
    fill = pd.read_csv(fillers, keep_default_na=False)
    if not {"pair", "kind", "template", "toxic", "hate"} <= set(frame.columns) or not {"slot", "text"} <= set(
        fill.columns
    ):
        raise ModLensError(f"'{templates}' needs pair, kind, template, toxic, hate; '{fillers}' needs slot, text.")
    return frame, fill


def contrast_frame(
    config: ContrastConfig,
    lexicon: Lexicon | None = None,
    assets: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Labelled sentences (``text, toxic, hate, split='train'``) from every template pair."""
    templates, fillers = assets if assets is not None else load_contrast_assets()
    lexicon = lexicon or load_lexicon()
    pools = {slot: sorted(set(fillers.loc[fillers["slot"] == slot, "text"])) for slot in SLOTS if slot != "identity"}
    pools["identity"] = sorted(set(lexicon.terms["plural"]))
    rng = np.random.default_rng(config.seed)
    rows = []
    for _, pair in templates.groupby("pair", sort=True):
        for _ in range(config.fills_per_pair):
            filling = {slot: str(rng.choice(pool)) for slot, pool in pools.items() if len(pool)}
            capitalise = rng.random() < 0.5
            for _, row in pair.iterrows():
                text = row["template"].format(**filling)
                rows.append(
                    {
                        "text": text[0].upper() + text[1:] if capitalise else text,
                        "toxic": float(row["toxic"]),
                        "hate": float(row["hate"]),
                        "split": "train",
                    }
                )
    return pd.DataFrame(rows, columns=["text", "toxic", "hate", "split"])
