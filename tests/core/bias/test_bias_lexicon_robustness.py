"""Identity matching and swaps on awkward text: İ/ı/ſ, missing posts, plural words, whole-data groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.bias.config import BiasConfig
from core.bias.counterfactual import replacement_options, swap_variants, terms_by_group
from core.bias.flag_rates import flag_rate_metrics
from core.bias.groups import match_identities
from core.bias.lexicon import LEXICON_PATH, Lexicon, find_terms, load_lexicon
from core.errors import ConfigError

LEXICON = Lexicon.from_frame(
    pd.DataFrame(
        [
            ("muslim", "religion", "muslim", "muslims"),
            ("muslim", "religion", "muslims", "muslims"),
            ("sikh", "religion", "sikh", "sikhs"),
            ("women", "gender", "woman", "women"),
            ("women", "gender", "female", "women"),
            ("women", "gender", "females", "women"),
            ("asian", "race_ethnicity", "asian", "asian people"),
            ("asian", "race_ethnicity", "asians", "asian people"),
            ("disability", "disability", "disability", "disabled people"),
            ("disability", "disability", "disabilities", "disabled people"),
        ],
        columns=["group", "category", "term", "plural"],
    )
)

# characters Python's case-insensitive matching equates with ASCII letters: İ ı -> i, ſ -> s, Kelvin sign -> k
ODD_CASES = {"i": ["İ", "ı", "I"], "s": ["ſ", "S"], "k": ["\u212a", "K"]}


def test_turkish_and_long_s_letters_count_as_the_term() -> None:
    texts = ["I am MUSLİM", "i am muslım", "ſikh people", "MUSLİMS and ſikhs"]
    matches = match_identities(texts, LEXICON)
    assert matches.groups["muslim"].tolist() == [True, True, False, True]
    assert matches.groups["sikh"].tolist() == [False, False, True, True]
    assert matches.summary().tolist() == [
        "muslim (muslim)",
        "muslim (muslim)",
        "sikh (sikh)",
        "muslims (muslim); sikh (sikh)",
    ]
    found = find_terms("MUSLİMS and ſikhs", LEXICON)
    assert [(m.text, m.term, m.group, m.plural) for m in found] == [
        ("MUSLİMS", "muslims", "muslim", True),
        ("ſikhs", "sikh", "sikh", True),
    ]


def test_swaps_of_posts_with_turkish_letters_keep_the_case() -> None:
    variants = swap_variants(["I am MUSLİM"], LEXICON)
    assert variants["source_terms"].tolist()[0] == "MUSLİM"
    assert "I am WOMAN" in variants["text"].tolist()


@settings(max_examples=60, deadline=None)
@given(
    form=st.sampled_from(sorted(LEXICON.forms)),
    data=st.data(),
    before=st.sampled_from(["", "I am ", "the ", "ı "]),
    after=st.sampled_from(["", " here", "!", " ſ"]),
)
def test_no_spelling_of_a_term_crashes_matching(form: str, data: st.DataObject, before: str, after: str) -> None:
    letters = [data.draw(st.sampled_from([c, c.upper(), *ODD_CASES.get(c, [])])) for c in form]
    text = before + "".join(letters) + after
    for match in LEXICON.pattern.finditer(text):
        assert LEXICON.entries(match.group())
    assert match_identities([text], LEXICON).groups.to_numpy().any()
    assert find_terms(text, LEXICON)
    swap_variants([text], LEXICON, terms_per_group=None)


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, float("nan")])
def test_missing_posts_count_as_empty(missing: object) -> None:
    texts = ["muslims are great", missing]
    matches = match_identities(texts, LEXICON)
    assert matches.groups.sum(axis=1).tolist() == [1, 0]
    assert matches.summary().tolist() == ["muslims (muslim)", ""]
    variants = swap_variants(texts, LEXICON)
    assert set(variants["post"]) == {0} and len(variants) == len(LEXICON.groups) - 1
    assert find_terms(missing, LEXICON) == [] and terms_by_group(missing, LEXICON) == {}


def test_regular_plurals_of_a_term_are_plural() -> None:
    assert LEXICON.inflected_plurals == {("women", "females"), ("asian", "asians"), ("disability", "disabilities")}
    found = find_terms("Females, asians and disabilities; a female", LEXICON)
    assert [(m.term, m.plural) for m in found] == [
        ("females", True),
        ("asians", True),
        ("disabilities", True),
        ("female", False),
    ]


def test_swaps_of_plural_words_stay_grammatical() -> None:
    variants = swap_variants(["Asians are smart", "She is a muslim"], LEXICON, terms_per_group=None)
    plural = variants[variants["post"] == 0].set_index("target_group")["text"]
    assert plural["muslim"] == "Muslims are smart" and plural["women"] == "Women are smart"
    single = variants.loc[variants["post"] == 1, "text"].tolist()
    assert {"She is a woman", "She is a female"} <= set(single)
    assert not {"She is a females", "She is a asians", "She is a disabilities"} & set(single)
    assert LEXICON.replacements("women", plural=False, count=None) == ["woman", "female"]


def test_training_swaps_keep_the_listed_rule() -> None:
    """Training's identity swaps use the rule the bundled model was built with; the bias report does not."""
    listed = terms_by_group("Asians are smart", LEXICON)
    inflected = terms_by_group("Asians are smart", LEXICON, plural_rule="inflected")
    assert not listed["asian"][0].plural and inflected["asian"][0].plural
    assert replacement_options(LEXICON, count=None)["women"][0] == ["woman", "female", "females"]
    assert replacement_options(LEXICON, count=None, plural_rule="inflected")["women"][0] == ["woman", "female"]
    with pytest.raises(ConfigError, match="plural rule"):
        find_terms("asians", LEXICON, plural_rule="guess")  # type: ignore[arg-type]


@pytest.mark.skipif(not LEXICON_PATH.is_file(), reason="project lexicon not present")
def test_project_lexicon_plural_words() -> None:
    lex = load_lexicon()
    plurals = {term for _, term in lex.inflected_plurals}
    assert {"females", "males", "asians", "gays", "homosexuals", "bisexuals", "hispanics", "indians"} <= plurals
    assert not plurals & {"trans", "jehovah's witness", "amish", "lgbtq+"}
    variants = swap_variants(["Females are smart"], lex)
    assert variants.set_index("target_group").loc["men", "text"] == "Men are smart"
    assert match_identities(["I am MUSLİM"], lex).groups.loc[0, "muslim"]


def test_group_of_every_post_has_no_background() -> None:
    config = BiasConfig(n_bootstrap=0, min_group_size=1)
    groups = pd.DataFrame({"all": [True] * 4, "some": [True, True, False, False]})
    table = flag_rate_metrics([0.9, 0.1, 0.2, 0.3], groups=groups, config=config).set_index("group")
    assert table.loc["all", "note"] == "no posts outside the group: ratio undefined"
    assert table.loc["some", "note"] == "no post outside the group flagged: ratio undefined"
    assert np.isnan(table.loc["all", "background_flag_rate"]) and np.isnan(table.loc["all", "flag_rate_ratio"])
