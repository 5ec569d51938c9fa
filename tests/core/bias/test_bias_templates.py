"""Templated identity test with a fake score function."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.bias.lexicon import Lexicon
from core.bias.templates import (
    TEMPLATES_PATH,
    check_templates,
    fill_templates,
    load_templates,
    templated_test,
)
from core.errors import ModLensError

LEXICON = Lexicon.from_frame(
    pd.DataFrame(
        [
            ("muslim", "religion", "muslim", "muslims"),
            ("muslim", "religion", "muslims", "muslims"),
            ("women", "gender", "woman", "women"),
            ("women", "gender", "girl", "girls"),
        ],
        columns=["group", "category", "term", "plural"],
    )
)
TEMPLATES = pd.DataFrame(
    {
        "template": ["{identity} are lovely.", "I met some {identity}.", "I hate {identity}."],
        "kind": ["harmless", "harmless", "hostile"],
        "form": ["plural"] * 3,
    }
)


def fake_model(texts: list[str]) -> np.ndarray:
    """Penalises 'muslims' and 'hate'; sees each text once."""
    assert len(set(texts)) == len(texts)
    return np.array([0.2 + 0.5 * ("uslims" in t) + 0.3 * ("hate" in t) for t in texts])


def test_fill_templates_uses_plural_phrases() -> None:
    filled = fill_templates(TEMPLATES, LEXICON)
    assert len(filled) == 3 * 3  # phrases: muslims, women, girls
    assert filled["term"].unique().tolist() == ["muslims", "women", "girls"]
    assert "Muslims are lovely." in filled["text"].tolist()  # capitalised at start
    assert "I hate girls." in filled["text"].tolist()
    assert filled.loc[filled["term"] == "muslims", "terms"].iloc[0] == "muslim, muslims"


def test_penalised_term_stands_out() -> None:
    result = templated_test(fake_model, TEMPLATES, LEXICON)
    by_term = result.by_term
    assert by_term["term"].tolist() == ["muslims", "women", "girls", ""]
    assert by_term["group"].iloc[-1] == "overall"
    top = by_term.iloc[0]
    assert top["mean_harmless"] == pytest.approx(0.7)
    assert top["mean_hostile"] == pytest.approx(1.0)
    assert top["auc"] == pytest.approx(1.0)
    women = by_term.set_index("term").loc["women"]
    assert women["mean_harmless"] == pytest.approx(0.2) and women["n_harmless"] == 2
    # overall: harmless 0.7, 0.7, 0.2 x 4; hostile 1.0, 0.5, 0.5 -> pairs won 14 + 4 * 0.5... by hand:
    # hostile 1.0 beats all 6; each 0.5 beats the four 0.2 -> (6 + 4 + 4) / 18
    assert by_term.iloc[-1]["auc"] == pytest.approx(14 / 18)
    by_group = result.by_group.set_index("group")
    assert by_group.loc["women", "n_harmless"] == 4
    assert by_group.loc["muslim", "mean_harmless"] == pytest.approx(0.7)
    assert "score" in result.sentences and len(result.sentences) == 9


def test_template_validation() -> None:
    with pytest.raises(ModLensError, match="exactly one"):
        check_templates(pd.DataFrame({"template": ["no placeholder"], "kind": ["harmless"]}))
    with pytest.raises(ModLensError, match="harmless or hostile"):
        check_templates(pd.DataFrame({"template": ["{identity}"], "kind": ["rude"]}))
    assert check_templates(TEMPLATES.drop(columns="form"))["form"].eq("plural").all()


def test_singular_form_uses_the_term_column() -> None:
    templates = pd.DataFrame({"template": ["a {identity} here"], "kind": ["harmless"], "form": ["singular"]})
    assert fill_templates(templates, LEXICON)["text"].tolist() == [
        "a muslim here",
        "a muslims here",
        "a woman here",
        "a girl here",
    ]


@pytest.mark.skipif(not TEMPLATES_PATH.is_file(), reason="project templates not present")
def test_project_templates_are_valid() -> None:
    templates = load_templates()
    assert set(templates["kind"]) == {"harmless", "hostile"}
    assert len(templates) >= 10
