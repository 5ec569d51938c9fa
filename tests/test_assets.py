"""Schema and property checks for the project-owned data assets in ``assets/``."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

ASSETS = Path(__file__).resolve().parents[1] / "assets"

CATEGORIES = {
    "gender",
    "sexual_orientation",
    "gender_identity",
    "religion",
    "race_ethnicity",
    "nationality_immigration",
    "disability",
    "age",
}
FUNCTIONALITIES = {
    "negation",
    "counter_speech",
    "reclaimed",
    "obfuscated_insult",
    "spelling_variant",
    "harmless_profanity",
    "identity_neutral",
    "identity_hostile",
    "threat",
    "plain_insult",
    "spacing_variant",
    "hate_at_individual",
    "dehumanisation",
    "negated_positive",
    "hateful_question",
    "civil_disagreement",
    "violent_idiom",
}


def _load(name: str) -> pd.DataFrame:
    return pd.read_csv(ASSETS / name, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def posts() -> pd.DataFrame:
    return _load("sample_posts.csv")


@pytest.fixture(scope="module")
def terms() -> pd.DataFrame:
    return _load("identity_terms.csv")


@pytest.fixture(scope="module")
def templates() -> pd.DataFrame:
    return _load("identity_templates.csv")


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return _load("functional_cases.csv")


# ---------------------------------------------------------------- sample_posts


def test_posts_schema(posts: pd.DataFrame) -> None:
    assert list(posts.columns) == ["id", "text", "label", "hate", "group"]
    assert 250 <= len(posts) <= 350
    assert posts["id"].is_unique
    assert all(re.fullmatch(r"p\d{3}", i) for i in posts["id"])
    assert (posts["text"].str.strip() != "").all()
    assert posts["text"].is_unique


def test_posts_labels(posts: pd.DataFrame) -> None:
    assert set(posts["label"].unique()) <= {0, 1}
    assert set(posts["hate"].unique()) <= {0, 1}
    assert (posts.loc[posts["hate"] == 1, "label"] == 1).all(), "hate must imply label"
    assert 0.30 <= posts["label"].mean() <= 0.45
    assert 0.08 <= posts["hate"].mean() <= 0.17


def test_posts_groups(posts: pd.DataFrame, terms: pd.DataFrame) -> None:
    known = set(terms["group"])
    used = set(posts["group"]) - {""}
    assert used <= known, f"unknown groups: {used - known}"
    assert 0.25 <= (posts["group"] != "").mean() <= 0.45


def test_posts_per_group_balance(posts: pd.DataFrame) -> None:
    mentioned = posts[posts["group"] != ""]
    counts = mentioned.groupby(["group", "label"]).size().unstack(fill_value=0)
    balanced = counts[(counts.get(0, 0) >= 4) & (counts.get(1, 0) >= 2)]
    assert len(balanced) >= 8, counts


def test_posts_variety(posts: pd.DataFrame) -> None:
    lengths = posts["text"].str.len()
    assert ((lengths >= 400) & (lengths <= 1500)).sum() >= 3
    assert (lengths <= 5).sum() >= 3
    assert posts["text"].str.contains(r"\*\*|<b>|`|\]\(", regex=True).sum() >= 3
    # non-Latin scripts (Arabic, CJK) are present and survived the round trip
    assert posts["text"].str.contains(r"[\u0600-\u06ff]", regex=True).any()
    assert posts["text"].str.contains(r"[\u4e00-\u9fff]", regex=True).any()
    assert not posts["text"].str.contains("<script", case=False).any()


# --------------------------------------------------------------- identity_terms


def test_terms_schema(terms: pd.DataFrame) -> None:
    assert list(terms.columns) == ["group", "category", "term", "plural"]
    assert 150 <= len(terms) <= 400
    assert set(terms["category"]) <= CATEGORIES
    assert terms["group"].nunique() >= 12
    for col in ("group", "term", "plural"):
        assert (terms[col].str.strip() != "").all()
        assert (terms[col] == terms[col].str.lower()).all(), f"{col} must be lowercase"


def test_terms_unique(terms: pd.DataFrame) -> None:
    assert not terms.duplicated(["group", "term"]).any()
    assert terms["term"].is_unique, "a term may belong to only one group"
    assert (terms.groupby("group")["category"].nunique() == 1).all()


def test_terms_cover_categories(terms: pd.DataFrame) -> None:
    assert set(terms["category"]) == CATEGORIES
    assert {
        "wheelchair user",
        "people with disabilities",
        "old people",
        "gay man",
    } <= set(terms["term"])


# ---------------------------------------------------------- identity_templates


def test_templates_schema(templates: pd.DataFrame) -> None:
    assert list(templates.columns) == ["template", "kind", "form"]
    assert set(templates["kind"]) == {"harmless", "hostile"}
    assert (templates["form"] == "plural").all()
    assert templates["template"].is_unique
    counts = templates["kind"].value_counts()
    assert counts["harmless"] >= 30
    assert counts["hostile"] >= 30


def test_templates_placeholder(templates: pd.DataFrame, terms: pd.DataFrame) -> None:
    for template in templates["template"]:
        assert template.count("{identity}") == 1, template
        assert template.count("{") == 1 and template.count("}") == 1, template
        filled = template.format(identity=terms["plural"].iloc[0])
        assert "{" not in filled


# ------------------------------------------------------------ functional_cases


def test_functional_cases(cases: pd.DataFrame) -> None:
    assert list(cases.columns) == ["case_id", "functionality", "text", "toxic", "hate"]
    assert 375 <= len(cases) <= 600
    assert cases["case_id"].is_unique
    assert cases["text"].is_unique
    assert set(cases["functionality"]) == FUNCTIONALITIES
    assert (cases["functionality"].value_counts() >= 25).all()
    assert set(cases["toxic"].unique()) <= {0, 1}
    assert set(cases["hate"].unique()) <= {0, 1}
    assert (cases.loc[cases["hate"] == 1, "toxic"] == 1).all()
    assert (cases["text"].str.strip() != "").all()


def test_functional_expected_labels(cases: pd.DataFrame) -> None:
    by_fn = cases.groupby("functionality")["toxic"].agg(set)
    for fn in (
        "negation",
        "counter_speech",
        "reclaimed",
        "harmless_profanity",
        "identity_neutral",
        "civil_disagreement",
        "violent_idiom",
    ):
        assert by_fn[fn] == {0}, fn
    for fn in ("obfuscated_insult", "plain_insult", "threat", "identity_hostile", "spacing_variant"):
        assert by_fn[fn] == {1}, fn
    for fn in ("identity_hostile", "hate_at_individual", "dehumanisation", "negated_positive", "hateful_question"):
        assert (cases.loc[cases["functionality"] == fn, "hate"] == 1).all(), fn


def test_training_material_is_kept_apart_from_evaluation(cases: pd.DataFrame, templates: pd.DataFrame) -> None:
    """Augmentation and contrast templates never repeat an evaluation template or a functional case."""
    from core.training.contrast import ContrastConfig, contrast_frame
    from core.training.debias import DebiasConfig, augmentation_frame
    from core.training.dedup import text_key

    augmentation = _load("debias_templates.csv")
    contrast = _load("contrast_templates.csv")
    evaluation = {text_key(t) for t in templates["template"]}
    assert not evaluation & {text_key(t) for t in augmentation["template"]}
    assert not evaluation & {text_key(t) for t in contrast["template"]}
    generated = pd.concat(
        [contrast_frame(ContrastConfig(fills_per_pair=30)), augmentation_frame(DebiasConfig(sentences_per_phrase=30))]
    )
    assert not {text_key(t) for t in cases["text"]} & set(generated["text"].map(text_key))


def test_assets_readme_mentions_files() -> None:
    text = (ASSETS / "ASSETS.md").read_text(encoding="utf-8")
    for name in (
        "sample_posts.csv",
        "identity_terms.csv",
        "identity_templates.csv",
        "functional_cases.csv",
        "debias_templates.csv",
        "contrast_templates.csv",
        "contrast_fillers.csv",
    ):
        assert name in text
    assert "MIT" in text
