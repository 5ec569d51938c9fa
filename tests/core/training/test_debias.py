"""Debiasing on a small synthetic case where an identity word only ever appears in abuse."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.bias.lexicon import Lexicon
from core.errors import ModLensError
from core.model.classifier import ToxicityClassifier
from core.model.config import preset
from core.training.debias import (
    DebiasConfig,
    augmentation_frame,
    identity_adjectives,
    identity_weights,
    load_augmentation_templates,
)

pytestmark = pytest.mark.slow

LEXICON = Lexicon.from_frame(
    pd.DataFrame(
        {
            "group": ["muslim", "muslim", "christian"],
            "category": ["religion"] * 3,
            "term": ["muslim", "muslims", "christians"],
            "plural": ["muslims", "muslims", "christians"],
        }
    )
)
TEMPLATES = pd.DataFrame(
    {
        "template": [
            "{identity} are my friends",
            "i had lunch with {identity}",
            "{identity} are lovely",
            "{identity} are stupid idiots",
            "i hate {identity} losers",
            "{identity} are disgusting morons",
        ],
        "kind": ["harmless"] * 3 + ["hostile"] * 3,
    }
)


def _biased_corpus(n: int = 600) -> tuple[list[str], np.ndarray]:
    """'muslims' appears only in toxic posts; 'christians' only in friendly ones."""
    rng = np.random.default_rng(3)
    friendly = ["what a nice day", "thanks for the recipe", "see you at the game", "great post friend"]
    hostile = ["you stupid idiot", "shut up loser", "i hate you moron", "disgusting morons"]
    texts, labels = [], []
    for i in range(n):
        if i % 2:
            texts.append(f"muslims {rng.choice(hostile)}")
            labels.append([1.0, 1.0])
        else:
            texts.append(f"christians {rng.choice(friendly)}" if i % 4 == 0 else str(rng.choice(friendly)))
            labels.append([0.0, 0.0])
    return texts, np.array(labels)


def _harmless_identity_score(clf: ToxicityClassifier) -> float:
    probes = ["muslims are kind neighbours", "my friends are muslims", "muslims thanks for the recipe"]
    return float(clf.predict_proba(probes)[:, 0].mean())


def test_augmentation_sentences_cover_every_phrase_and_kind() -> None:
    frame = augmentation_frame(DebiasConfig(sentences_per_phrase=2), lexicon=LEXICON, templates=TEMPLATES)
    assert len(frame) == 2 * 2 * 2
    assert set(frame["toxic"]) == {0.0, 1.0} and (frame["toxic"] == frame["hate"]).all()
    assert frame["text"].str.lower().str.contains("muslims").sum() == 4
    assert (frame["split"] == "train").all()


def test_adjective_templates_are_filled_with_the_lexicon_adjectives() -> None:
    lexicon = Lexicon.from_frame(
        pd.DataFrame(
            {
                "group": ["jewish", "jewish", "jewish", "deaf"],
                "category": ["religion", "religion", "religion", "disability"],
                "term": ["jew", "jewish", "jewish man", "deaf"],
                "plural": ["jews", "jewish people", "jewish men", "deaf people"],
            }
        )
    )
    templates = pd.DataFrame(
        {
            "template": [
                "i am {adjective} too",
                "{identity} are kind",
                "nobody {adjective} is welcome",
                "{identity} suck",
            ],
            "kind": ["harmless", "harmless", "hostile", "hostile"],
        }
    )
    assert identity_adjectives(lexicon) == ["deaf", "jewish"]
    frame = augmentation_frame(DebiasConfig(sentences_per_phrase=5), lexicon=lexicon, templates=templates)
    texts = set(frame["text"].str.lower())
    assert {"i am jewish too", "nobody deaf is welcome", "jews are kind", "jewish men suck"} <= texts
    assert not any("{" in text for text in texts)
    assert len(frame) == 4 * 2 + 2 * 2


def test_templates_need_exactly_one_slot(tmp_path: Path) -> None:
    path = tmp_path / "templates.csv"
    path.write_text("template,kind\n{identity} and {adjective},harmless\n", encoding="utf-8")
    with pytest.raises(ModLensError, match="exactly one"):
        load_augmentation_templates(path)
    path.write_text("template,kind\nno slot here,harmless\n", encoding="utf-8")
    with pytest.raises(ModLensError, match="exactly one"):
        load_augmentation_templates(path)
    assert len(load_augmentation_templates()) > 200


def test_identity_weights_boost_non_toxic_identity_posts() -> None:
    texts = ["muslims are great", "muslims are idiots", "nice day", "christians ok"]
    y = np.array([[0.0], [1.0], [0.0], [np.nan]])
    assert identity_weights(texts, y, 3.0, LEXICON).tolist() == [3.0, 1.0, 1.0, 1.0]
    assert identity_weights(texts, y, 1.0, LEXICON).tolist() == [1.0] * 4


def test_debiasing_lowers_scores_of_harmless_identity_sentences() -> None:
    texts, labels = _biased_corpus()
    config = preset("default").with_overrides(
        epochs=4,
        vocab_size=200,
        embedding_dim=16,
        lstm_units=8,
        batch_size=32,
        learning_rate=0.02,
        sequence_length=12,
        embedding_dropout=0.0,
    )
    biased = ToxicityClassifier(config=config).fit(texts, labels)
    extra = augmentation_frame(DebiasConfig(sentences_per_phrase=3), lexicon=LEXICON, templates=TEMPLATES)
    aug_texts = texts + extra["text"].tolist()
    aug_labels = np.vstack([labels, extra[["toxic", "hate"]].to_numpy()])
    weights = identity_weights(aug_texts, aug_labels, 2.0, LEXICON)
    debiased = ToxicityClassifier(config=config).fit(aug_texts, aug_labels, sample_weight=weights)
    before, after = _harmless_identity_score(biased), _harmless_identity_score(debiased)
    print(f"harmless identity score before {before:.3f}, after {after:.3f}")
    assert before > 0.5
    assert after < before - 0.1
    assert debiased.predict_proba(["muslims are stupid idiots"])[0, 0] > 0.5
