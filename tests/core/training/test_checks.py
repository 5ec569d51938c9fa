"""Generalisation checks of a trained model, on tiny fakes: templated identity test, functional cases, unseen data.

The fakes score from a lookup table or keywords; nothing reads ``../shared/data``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.bias import fill_templates, load_lexicon, load_templates
from core.training import checks


class FakeModel:
    """Labels toxic and hate, thresholds 0.5; ``score(text) -> (toxic, hate)`` decides every score."""

    def __init__(self, score: Callable[[str], tuple[float, float]]) -> None:
        self.labels_ = ["toxic", "hate"]
        self.thresholds_ = {"toxic": 0.5, "hate": 0.5}
        self._score = score
        self.calls = 0

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        return np.array([self._score(str(t)) for t in texts], dtype=np.float32).reshape(len(texts), 2)


@pytest.fixture(scope="module")
def sentences() -> pd.DataFrame:
    return fill_templates(load_templates(), load_lexicon())


def template_model(sentences: pd.DataFrame, penalised: str | None = None) -> FakeModel:
    """Hostile template sentences 0.9, harmless 0.1; harmless ones with ``penalised`` in them 0.95 (above hostile)."""
    kind = dict(zip(sentences["text"], sentences["kind"], strict=False))

    def score(text: str) -> tuple[float, float]:
        if kind.get(text) == "hostile":
            return 0.9, 0.9
        if penalised and penalised in text.lower():
            return 0.95, 0.95
        return 0.1, 0.1

    return FakeModel(score)


def test_templated_check_of_a_fair_model_is_perfect(sentences: pd.DataFrame) -> None:
    result = checks.templated_identity_check(template_model(sentences))
    assert result["label"] == "toxic" and result["sentences"] == len(sentences)
    assert result["overall_auc"] == pytest.approx(1.0) and result["min_term_auc"] == pytest.approx(1.0)
    assert result["final_bias_metric"] == pytest.approx(1.0)
    assert result["terms_below_0_90_auc"] == 0 and result["harmless_flag_rate"] == 0.0
    assert len(result["most_penalised_terms"]) == 8
    assert set(result["most_penalised_terms"][0]) == {"term", "group", "mean_harmless", "auc"}


def test_templated_check_names_the_penalised_term(sentences: pd.DataFrame) -> None:
    result = checks.templated_identity_check(template_model(sentences, penalised="muslims"))
    worst = result["most_penalised_terms"][0]
    assert "muslim" in worst["term"].lower() and worst["mean_harmless"] == pytest.approx(0.95)
    assert result["harmless_flag_rate"] > 0  # 0.95 >= the 0.5 threshold
    assert result["final_bias_metric"] < 1.0 and result["min_subgroup_auc"] < 1.0


def test_functional_check_accuracy_per_functionality(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    pd.DataFrame(
        {
            "functionality": ["negation", "negation", "slur", "slur"],
            "text": ["I don't hate you", "not an idiot", "you idiot", "you are lovely"],
            "toxic": [0, 0, 1, 1],
        }
    ).to_csv(cases, index=False)
    model = FakeModel(lambda text: (0.9, 0.1) if "idiot" in text else (0.1, 0.1))
    result = checks.functional_check(model, cases)
    assert result["accuracy"] == pytest.approx(0.5)
    assert result["by_functionality"] == {"negation": {"accuracy": 0.5, "n": 2}, "slur": {"accuracy": 0.5, "n": 2}}


def test_unseen_jigsaw_check_is_empty_without_the_data_and_scores_it_when_present(tmp_path: Path) -> None:
    model = FakeModel(lambda text: (0.9, 0.8) if "idiot" in text else (0.1, 0.1))
    assert checks.unseen_jigsaw_check(model, tmp_path) == []
    folder = tmp_path / "jigsaw_toxic" / "multilabel_samples"
    folder.mkdir(parents=True)
    pd.DataFrame(
        {
            "comment_text": ["you idiot", "hello", "idiot again", "nice"],
            "toxic": [1, 0, 1, 0],
            "identity_hate": [1, 0, 0, 0],
        }
    ).to_csv(folder / "ibm_max_test_examples.csv", index=False)
    rows = checks.unseen_jigsaw_check(model, tmp_path)
    assert [(r["label"], r["source_column"]) for r in rows] == [("toxic", "toxic"), ("hate", "identity_hate")]
    assert rows[0]["roc_auc"] == pytest.approx(1.0) and rows[0]["n"] == 4
    assert rows[1]["positives"] == 1 and rows[1]["precision"] == pytest.approx(0.5)


def test_run_checks_gathers_every_check(sentences: pd.DataFrame, tmp_path: Path) -> None:
    result = checks.run_checks(template_model(sentences), tmp_path)
    assert set(result) == {"templated_identity", "functional", "unseen_jigsaw_test"}
    assert result["unseen_jigsaw_test"] == [] and 0.0 <= result["functional"]["accuracy"] <= 1.0


def test_render_checks_writes_one_markdown_section_per_check() -> None:
    rendered = checks.render_checks(
        {
            "templated_identity": {
                "label": "toxic",
                "sentences": 1200,
                "final_bias_metric": 0.8123,
                "overall_auc": 0.95,
                "min_subgroup_auc": math.nan,
                "terms_below_0_90_auc": 3,
                "harmless_flag_rate": 0.05,
                "most_penalised_terms": [{"term": "gay", "group": "lgbtq", "mean_harmless": 0.4, "auc": 0.7}],
            },
            "functional": {"accuracy": 0.75, "by_functionality": {"negation": {"accuracy": 0.5, "n": 4}}},
            "unseen_jigsaw_test": [
                {"label": "toxic", "source_column": "toxic", "n": 10, "positives": 4, "roc_auc": 0.9, "f1": 0.7}
            ],
            "dataset_tuned": [
                {"dataset": "olid", "threshold": 0.4, "macro_f1": 0.7, "f1": 0.6, "precision": 0.5, "recall": None}
            ],
        }
    )
    assert list(rendered) == [
        "Templated identity test",
        "Functional cases",
        "Unseen data",
        "Test metrics with per-dataset thresholds",
    ]
    templated = rendered["Templated identity test"]
    assert "1,200 sentences" in templated and "**0.812**" in templated
    assert "lowest group subgroup AUC: n/a" in templated  # NaN is written as n/a
    assert "| gay | lgbtq | 0.400 | 0.700 |" in templated
    assert "**75.0%**" in rendered["Functional cases"] and "| negation | 50% | 4 |" in rendered["Functional cases"]
    assert "| toxic (`toxic`) | 10 | 4 | 0.900 | 0.700 |" in rendered["Unseen data"]
    assert "| olid | 0.400 | 0.700 | 0.600 | 0.500 | n/a |" in rendered["Test metrics with per-dataset thresholds"]
    assert checks.render_checks({}) == {}
