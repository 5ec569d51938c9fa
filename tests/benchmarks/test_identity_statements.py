"""The short identity-statement probe stays independent of what models are trained and judged on."""

from __future__ import annotations

import pandas as pd

from benchmarks.identity_statements import ADJECTIVES, PLURALS, statements
from core.bias import load_lexicon
from core.bias.templates import fill_templates, load_templates
from core.training.checks import FUNCTIONAL_CASES
from core.training.contrast import ContrastConfig, contrast_frame
from core.training.debias import DebiasConfig, augmentation_frame
from core.training.dedup import text_key


def test_every_word_gets_every_frame_once() -> None:
    probe = statements()
    assert len(probe) == 8 * len(ADJECTIVES) + 6 * len(PLURALS)
    assert probe["text"].is_unique
    assert probe["text"].str[0].str.isupper().all()
    assert "My doctor is jewish." in set(probe["text"])


def test_no_probe_sentence_is_training_material_an_evaluation_sentence_or_a_functional_case() -> None:
    probe = set(statements()["text"].map(text_key))
    generated = pd.concat(
        [contrast_frame(ContrastConfig(fills_per_pair=60)), augmentation_frame(DebiasConfig(sentences_per_phrase=500))]
    )
    cases = pd.read_csv(FUNCTIONAL_CASES, keep_default_na=False)
    templated = fill_templates(load_templates(), load_lexicon())
    assert not probe & set(generated["text"].map(text_key))
    assert not probe & set(templated["text"].map(text_key))
    assert not probe & set(cases["text"].map(text_key))
