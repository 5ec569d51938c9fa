"""Identity groups from columns and from the lexicon."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.bias.groups import groups_from_columns, match_identities
from core.bias.lexicon import LEXICON_PATH, Lexicon, find_terms, load_lexicon
from core.errors import ModLensError


def small_lexicon() -> Lexicon:
    rows = [
        ("muslim", "religion", "muslim", "muslims"),
        ("muslim", "religion", "muslims", "muslims"),
        ("muslim", "religion", "islam", "muslims"),
        ("women", "gender", "woman", "women"),
        ("women", "gender", "women", "women"),
        ("women", "gender", "female", "women"),
        ("gay", "sexual_orientation", "gay", "gay people"),
        ("gay", "sexual_orientation", "gay man", "gay men"),
        ("black", "race_ethnicity", "black", "black people"),
        ("black", "race_ethnicity", "african american", "african americans"),
    ]
    return Lexicon.from_frame(pd.DataFrame(rows, columns=["group", "category", "term", "plural"]))


def test_whole_word_case_insensitive_matching() -> None:
    lex = small_lexicon()
    found = find_terms("ISLAM and Muslims, but not islamophobia or womanly ways.", lex)
    assert [(m.text, m.term, m.group) for m in found] == [
        ("ISLAM", "islam", "muslim"),
        ("Muslims", "muslims", "muslim"),
    ]
    assert found[1].plural and not found[0].plural


def test_multi_word_terms_win_and_allow_hyphens() -> None:
    lex = small_lexicon()
    found = find_terms("Two gay  men and an African-American woman.", lex)
    assert [(m.text, m.term) for m in found] == [
        ("gay  men", "gay man"),
        ("African-American", "african american"),
        ("woman", "woman"),
    ]
    assert found[0].plural  # matched through the plural phrase 'gay men'
    # the longest form must end at a word boundary: 'gay menace' is only 'gay'
    assert [m.text for m in find_terms("a gay menace, gay-manly", lex)] == ["gay", "gay"]


def test_match_identities_shows_the_terms() -> None:
    texts = ["Muslim women rock", "", "nothing here", "black and BLACK"]
    matches = match_identities(texts, small_lexicon())
    assert matches.groups.columns.tolist() == ["muslim", "women", "gay", "black"]
    assert matches.groups.to_numpy().tolist() == [
        [True, True, False, False],
        [False, False, False, False],
        [False, False, False, False],
        [False, False, False, True],
    ]
    assert matches.terms.loc[0, "women"] == "women"
    assert matches.terms.loc[3, "black"] == "black"
    assert matches.summary().tolist() == ["muslim (muslim); women (women)", "", "", "black (black)"]


def test_lexicon_validation() -> None:
    with pytest.raises(ModLensError, match="plural"):
        Lexicon.from_frame(pd.DataFrame({"group": ["a"], "category": ["c"], "term": ["x"]}))
    missing_plural = pd.DataFrame({"group": ["a"], "category": [""], "term": ["x"], "plural": [""]})
    assert Lexicon.from_frame(missing_plural).terms["plural"].tolist() == ["x"]
    with pytest.raises(ModLensError, match="not found"):
        load_lexicon("/nonexistent/terms.csv")


def test_replacements_keep_the_form() -> None:
    lex = small_lexicon()
    assert lex.replacements("women", plural=True) == ["women"]
    assert lex.replacements("women", plural=False, count=None) == ["woman", "female"]
    assert lex.replacements("black", plural=False, count=2) == ["black", "african american"]


@pytest.mark.skipif(not LEXICON_PATH.is_file(), reason="project lexicon not present")
def test_project_lexicon_is_usable() -> None:
    lex = load_lexicon()
    assert len(lex.groups) >= 10
    assert (lex.terms.groupby("group")["term"].nunique() >= 2).all()
    found = find_terms("My Muslim neighbours and the trans women at work", lex)
    assert {"muslim", "trans"} <= {m.group for m in found}


def test_groups_from_fractional_columns() -> None:
    frame = pd.DataFrame(
        {
            "female": ["0.5", "0.4", "", "1"],  # text, as read from CSV
            "muslim": [0.0, np.nan, 0.9, 0.2],
            "black": [True, False, False, True],
        }
    )
    groups = groups_from_columns(frame, ["female", "muslim", "black"])
    assert groups.dtypes.eq(bool).all()
    assert groups.to_numpy().tolist() == [
        [True, False, True],
        [False, False, False],
        [False, True, False],
        [True, False, True],
    ]
    assert groups_from_columns(frame, ["muslim"], threshold=0.1)["muslim"].tolist() == [
        False,
        False,
        True,
        True,
    ]


def test_group_column_errors_tell_what_to_do() -> None:
    frame = pd.DataFrame({"a": [0, 1], "b": ["x", "y"]})
    with pytest.raises(ModLensError) as err:
        groups_from_columns(frame, ["x"])
    assert str(err.value) == ("Column 'x' not found. Columns are: a, b. Choose identity columns with --group-cols.")
    with pytest.raises(ModLensError, match="'b' is not an identity column"):
        groups_from_columns(frame, ["b"])
    with pytest.raises(ModLensError, match="in the sidebar"):
        groups_from_columns(frame, [], choose_hint="in the sidebar")
