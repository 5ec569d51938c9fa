"""Shared fixtures: a tiny real model trained once per test session on made-up posts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

FRIENDLY = [
    "you are lovely",
    "what a nice day",
    "thanks for the help",
    "great post friend",
    "I like this recipe",
    "see you at the game",
    "happy birthday mate",
    "good point well made",
]
HOSTILE = [
    "you are an idiot",
    "shut up stupid",
    "I hate you moron",
    "go away idiot",
    "stupid moron loser",
    "you pathetic idiot",
    "nobody likes you loser",
    "get lost moron",
]


def tiny_corpus(n: int = 480, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Made-up posts: hostile ones are toxic; every fourth hostile one is also 'hate'; hate is unknown for some."""
    rng = np.random.default_rng(seed)
    texts: list[str] = []
    labels: list[list[float]] = []
    for i in range(n):
        if i % 2:
            texts.append(f"{rng.choice(HOSTILE)} {rng.choice(FRIENDLY)}")
            labels.append([1.0, 1.0 if i % 4 == 1 else 0.0])
        else:
            texts.append(str(rng.choice(FRIENDLY)))
            labels.append([0.0, np.nan if i % 3 else 0.0])
    return texts, np.array(labels)


@pytest.fixture(autouse=True)
def _isolated_registry(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read or change the user's ~/.modlens registry."""
    monkeypatch.setenv("MODLENS_HOME", str(tmp_path_factory.mktemp("modlens-home")))


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real two-label model directory, trained in a few seconds."""
    from core.model.classifier import ToxicityClassifier
    from core.model.config import preset

    texts, labels = tiny_corpus()
    config = preset("default").with_overrides(
        epochs=4, vocab_size=300, embedding_dim=16, lstm_units=8, batch_size=32, learning_rate=0.02, sequence_length=20
    )
    clf = ToxicityClassifier(config=config).fit(texts, labels)
    return clf.save(tmp_path_factory.mktemp("models") / "tiny", metadata={"name": "tiny-test-model"})
