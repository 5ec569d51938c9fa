"""Faithfulness (top-k vs random-k removal) on a fake model whose answer is known."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from core.explain.faithfulness import faithfulness_table, post_faithfulness, summarize_faithfulness
from core.explain.shap_values import explain_texts
from core.explain.tokens import token_spans

LABELS = ["toxic"]


def presence_model(texts: list[str]) -> np.ndarray:
    """Toxic = 0.1, plus 0.4 if "idiot" is present, plus 0.2 if "stupid" is present."""
    out = []
    for text in texts:
        words = set(re.findall(r"\w+", text.lower()))
        out.append([0.1 + 0.4 * ("idiot" in words) + 0.2 * ("stupid" in words)])
    return np.array(out)


def _rows(text: str, values: list[float]) -> pd.DataFrame:
    spans = token_spans(text)
    return pd.DataFrame({"start": [s for s, _ in spans], "end": [e for _, e in spans], "value": values})


TEXT = "you are a stupid idiot"


def test_top_k_versus_exact_random_baseline() -> None:
    rows = _rows(TEXT, [0.0, 0.0, 0.0, 0.2, 0.4])
    table = post_faithfulness(TEXT, rows, presence_model, LABELS, "toxic", ks=(1, 2, 9)).set_index("k")
    assert list(table.index) == [1, 2]  # k=9 exceeds the 5 words: no row
    assert table.loc[1, "score"] == pytest.approx(0.7)
    assert table.loc[1, "top_k_drop"] == pytest.approx(0.4)
    # All 5 single words: drops 0, 0, 0, 0.2, 0.4.
    assert table.loc[1, "random_k_drop"] == pytest.approx(0.12)
    assert table.loc[2, "top_k_drop"] == pytest.approx(0.6)
    # All 10 pairs: 3 with idiot only (0.4), 3 with stupid only (0.2), 1 with both (0.6), 3 with neither.
    assert table.loc[2, "random_k_drop"] == pytest.approx(0.24)
    assert table.loc[2, "top_k_score"] == pytest.approx(0.1)


def test_wrong_attributions_are_caught() -> None:
    backwards = _rows(TEXT, [0.4, 0.2, 0.0, -0.2, -0.4])
    table = post_faithfulness(TEXT, backwards, presence_model, LABELS, "toxic", ks=(2,))
    assert table["top_k_drop"].iloc[0] == pytest.approx(0.0)
    assert table["random_k_drop"].iloc[0] > 0.2


def test_sampled_random_baseline_is_seeded() -> None:
    text = " ".join(["word"] * 20 + ["idiot"])
    rows = _rows(text, [0.0] * 20 + [0.4])
    first = post_faithfulness(text, rows, presence_model, LABELS, "toxic", ks=(3,), n_random=30, seed=7)
    again = post_faithfulness(text, rows, presence_model, LABELS, "toxic", ks=(3,), n_random=30, seed=7)
    assert first["random_k_drop"].iloc[0] == again["random_k_drop"].iloc[0]
    # Each sampled subset drops 0 or 0.4; the expected share containing "idiot" is 3/21.
    assert 0.0 <= first["random_k_drop"].iloc[0] <= 0.4 * 12 / 30
    assert first["top_k_drop"].iloc[0] == pytest.approx(0.4)


def test_table_and_summary_over_shap_explanations() -> None:
    texts = ["you are a stupid idiot", "what an idiot you are", "have a nice day", "ok"]
    attributions = explain_texts(texts, presence_model, LABELS)
    table = faithfulness_table(attributions, texts, presence_model, LABELS, ks=(1, 3))
    # "ok" has one word: it gets a k=1 row but no k=3 row.
    assert table.groupby("post_id")["k"].apply(list).to_dict() == {0: [1, 3], 1: [1, 3], 2: [1, 3], 3: [1]}
    summary = summarize_faithfulness(table).set_index("k")
    assert summary.loc[1, "n_posts"] == 4 and summary.loc[3, "n_posts"] == 3
    assert summary.loc[1, "top_k_drop"] == pytest.approx((0.4 + 0.4) / 4)
    assert summary.loc[1, "random_k_drop"] == pytest.approx((0.6 / 5 + 0.4 / 5) / 4)
    assert summary.loc[1, "ratio"] == pytest.approx(4.0)
    by_dict = faithfulness_table(attributions, dict(enumerate(texts)), presence_model, LABELS, ks=(1,))
    pd.testing.assert_frame_equal(by_dict, table[table["k"] == 1].reset_index(drop=True))


def test_summary_ratio_is_nan_without_a_random_drop() -> None:
    table = pd.DataFrame({"post_id": [0], "label": ["toxic"], "k": [1], "top_k_drop": [0.0], "random_k_drop": [0.0]})
    assert np.isnan(summarize_faithfulness(table)["ratio"].iloc[0])
    assert summarize_faithfulness(table.iloc[0:0]).empty
