"""Seeded spelling perturbations and the robustness check."""

from __future__ import annotations

import numpy as np

from core.training.obfuscation import ALL_KINDS, perturb, perturbed_copies, robustness_check

POST = "You are a complete idiot and everybody knows it"


def test_every_kind_changes_the_post_and_is_seeded() -> None:
    for kind in ALL_KINDS:
        changed = perturb(POST, kind, seed=1)
        assert changed != POST, kind
        assert changed == perturb(POST, kind, seed=1), kind


def test_kinds_do_what_they_say() -> None:
    assert "  " not in perturb("idiot", "spaced_letters", seed=2) and len(perturb("idiot", "spaced_letters", 2)) == 9
    assert any(c in perturb("idiot moron", "leetspeak", 3) for c in "01345@$!7")
    assert "*" in perturb("stupid", "masked_letters", 4)
    assert perturb("one two three", "joined_words", 5).count(" ") < 2
    assert perturb("!!! ??", "leetspeak", 6) == "!!! ??"  # nothing to change


def test_perturbed_copies_pick_a_share_of_posts() -> None:
    texts = [f"post number {i} says hello" for i in range(1000)]
    picked, copies = perturbed_copies(texts, 0.1, seed=7)
    assert 60 < len(picked) < 140 and len(copies) == len(picked)
    changed = [copy != texts[i] for i, copy in zip(picked, copies, strict=True)]
    assert sum(changed) >= 0.95 * len(changed)
    again, _ = perturbed_copies(texts, 0.1, seed=7)
    assert np.array_equal(picked, again)


def test_robustness_check_reports_each_kind() -> None:
    texts = ["idiot moron", "lovely day", "stupid idiot", "nice walk"]

    def keyword(batch: list[str]) -> np.ndarray:
        return np.array([float("idiot" in t) + 0.1 * float("nice" in t) for t in batch])

    rows = robustness_check(keyword, texts, np.array([1, 0, 1, 0]))
    assert [r["kind"] for r in rows] == ["as_written", *ALL_KINDS]
    assert rows[0]["roc_auc"] == 1.0
    assert min(r["roc_auc"] for r in rows) < 1.0  # a keyword model breaks on some spellings
