"""Bias computations without widgets: guessing label and identity columns, the rows to swap, the data id."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.bias import OVERALL, load_lexicon
from tests.ui.fake_model import KeywordModel
from ui.services import bias, inputs, scoring


def test_guessing_identity_and_label_columns() -> None:
    lexicon = load_lexicon()
    assert bias.guess_identity_columns(["male", "Muslim", "older_people", "score", "text"], lexicon) == [
        "male",
        "Muslim",
        "older_people",
    ]
    frame_ = pd.DataFrame({"a": ["0", "1", ""], "b": ["x", "1", "0"], "c": [0.2, 0.7, np.nan], "d": ["", "", ""]})
    assert bias.label_like_columns(frame_) == ["a", "c"]
    assert bias.label_like_columns(frame_, exclude=["a"]) == ["c"]


def test_swap_rows_sample_is_seeded_sorted_and_bounded() -> None:
    mentions = np.arange(0, 2000, 2)
    rows = bias.swap_rows(mentions, limit=10)
    assert len(rows) == 10 and set(rows) <= set(mentions) and (np.diff(rows) > 0).all()
    assert (bias.swap_rows(mentions, limit=10) == rows).all()
    assert (bias.swap_rows(mentions[:5], limit=10) == mentions[:5]).all()


def test_chart_rows_keep_groups_big_enough_and_the_overall_row() -> None:
    table = pd.DataFrame({"group": ["a", "b", OVERALL], "n": [3, 50, 53]})
    assert bias.chart_rows(table, 10)["group"].tolist() == ["b", OVERALL]


def test_data_id_changes_with_the_source_and_the_scores() -> None:
    model = KeywordModel()
    posts = inputs.pasted_posts("you idiot\nhello")
    scored = scoring.scored_posts(model, posts, model.predict_proba(posts.texts))
    same = scoring.scored_posts(model, posts, model.predict_proba(posts.texts))
    assert bias.data_id("Sample posts", scored) == bias.data_id("Sample posts", same)
    assert bias.data_id("Upload a file", scored) != bias.data_id("Sample posts", scored)
    other = scoring.scored_posts(model, posts, model.predict_proba(posts.texts) * 0.5)
    assert bias.data_id("Sample posts", other) != bias.data_id("Sample posts", scored)


def test_matched_terms_table_lists_posts_with_terms_and_their_score() -> None:
    model = KeywordModel()
    posts = inputs.pasted_posts("muslims are vermin\nhello\nwomen rock")
    scored = scoring.scored_posts(model, posts, model.predict_proba(posts.texts))
    summary = np.array(["muslims (muslim)", "", "women (women)"], dtype=object)
    table = bias.matched_terms_table(scored, summary, 1)
    assert table.index.tolist() == ["1", "3"] and table.index.name == "post"  # named from 1, as everywhere
    assert table["score_hate"].tolist() == [float(scored.scores[0, 1]), float(scored.scores[2, 1])]


def test_swaps_of_one_long_post_naming_every_group_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    # A post naming every lexicon group has thousands of swaps, each as long as the post:
    # 140 kB of text gave 1.1 GB of swapped copies, all sent to the model.
    lexicon = load_lexicon()
    post = " ".join(lexicon.terms.drop_duplicates("group")["term"]) + " filler" * 700
    monkeypatch.setattr(bias, "POST_SWAP_MAX_CHARS", 1_000_000, raising=False)
    monkeypatch.setattr(bias.auth, "require", lambda permission: None)
    model = KeywordModel()
    seen: list[int] = []
    predict = model.predict_proba

    def counting(texts: list[str]) -> np.ndarray:
        seen.append(sum(len(t) for t in texts))
        return predict(texts)

    monkeypatch.setattr(model, "predict_proba", counting)
    swaps = bias.post_swaps(post, 0.1, "toxic", "bounded-test", model, 0)
    assert len(swaps) > 0 and swaps["text"].str.len().sum() <= 1_000_000
    assert sum(seen) <= 1_000_000
