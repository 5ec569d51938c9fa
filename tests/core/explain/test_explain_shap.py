"""SHAP attributions: they add up, they map to the text, and the known answer comes out."""

from __future__ import annotations

import re
import threading

import numpy as np
import pytest

from core.errors import ModLensError
from core.explain.config import ExplainConfig
from core.explain.shap_values import DeletionTextMasker, explain_text, explain_texts

LABELS = ["toxic", "hate"]
WEIGHTS = {"idiot": 0.4, "stupid": 0.25, "hate": 0.1, "lovely": -0.05}


def additive_model(texts: list[str]) -> np.ndarray:
    """Fake model, additive in probability: its Shapley values are the word weights."""
    out = []
    for text in texts:
        words = re.findall(r"\w+", text.lower())
        toxic = 0.1 + sum(WEIGHTS.get(word, 0.0) for word in words)
        hate = 0.05 + 0.3 * words.count("hate")
        out.append([toxic, hate])
    return np.array(out)


def sigmoid_model(texts: list[str]) -> np.ndarray:
    """Fake model with interactions: sigmoid of the summed word weights."""
    logits = np.array([-2.0 + 8 * sum(WEIGHTS.get(w, 0.0) for w in re.findall(r"\w+", t.lower())) for t in texts])
    p = 1 / (1 + np.exp(-logits))
    return np.stack([p, p * p], axis=1)


POSTS = [
    "You are an idiot!!",
    "",
    "idiot",
    "I hate you, stupid idiot 😀 — नमस्ते, lovely day",
    "!!! ???",
    " ".join(["stupid idiot hate words go on and on"] * 8),
]


@pytest.mark.parametrize("fixed_context", [None, 0])
@pytest.mark.parametrize("model", [additive_model, sigmoid_model])
def test_attributions_add_up_to_score_minus_base(model, fixed_context) -> None:
    config = ExplainConfig(max_evals=200, fixed_context=fixed_context)
    result = explain_texts(POSTS, model, LABELS, config=config)
    assert len(result.posts) == len(POSTS) * len(LABELS)
    sums = result.tokens.groupby(["post_id", "label"])["value"].sum()
    scores = model(POSTS)
    for row in result.posts.itertuples():
        column = LABELS.index(row.label)
        assert row.score == pytest.approx(scores[row.post_id, column], abs=1e-9)
        total = sums.get((row.post_id, row.label), 0.0)
        assert total == pytest.approx(row.score - row.base_value, abs=1e-6)
    # The base value is the score of the post with every word removed.
    base = result.posts.set_index(["post_id", "label"])["base_value"]
    assert base[(3, "toxic")] == pytest.approx(model([""])[0, 0])


@pytest.mark.parametrize("fixed_context", [None, 0])
def test_additive_model_gets_its_word_weights_back(fixed_context) -> None:
    text = "You stupid idiot, I hate you. Lovely idiot!"
    result = explain_text(text, additive_model, LABELS, config=ExplainConfig(fixed_context=fixed_context))
    toxic = result.for_post(0, "toxic")
    expected = [WEIGHTS.get(token.lower(), 0.0) for token in toxic["token"]]
    np.testing.assert_allclose(toxic["value"], expected, atol=1e-9)
    hate = result.for_post(0, "hate").set_index("token")["value"]
    assert hate["hate"] == pytest.approx(0.3)
    assert hate.drop("hate").abs().max() == pytest.approx(0.0, abs=1e-9)


def test_tokens_map_back_to_the_original_text() -> None:
    text = "idiot… IDIOT, idiot! ¿Qué? 你好 😀😀"
    result = explain_text(text, additive_model, LABELS, label="toxic")
    rows = result.for_post(0, "toxic")
    assert list(rows["token"]) == ["idiot", "IDIOT", "idiot", "Qué", "你好", "😀😀"]
    assert all(text[s:e] == t for t, s, e in zip(rows["token"], rows["start"], rows["end"], strict=True))
    assert list(rows["start"]) == [0, 7, 14, 22, 27, 30]
    np.testing.assert_allclose(rows["value"][:3], [0.4, 0.4, 0.4], atol=1e-9)
    assert set(result.tokens["label"]) == {"toxic"}


def test_empty_and_single_word_posts() -> None:
    result = explain_texts(["", "   ", "idiot!"], additive_model, LABELS)
    assert set(result.tokens["post_id"]) == {2}
    posts = result.posts.set_index(["post_id", "label"])
    assert posts.loc[(0, "toxic"), "score"] == posts.loc[(0, "toxic"), "base_value"] == pytest.approx(0.1)
    assert posts.loc[(2, "toxic"), "n_tokens"] == 1
    single = result.for_post(2, "toxic")
    assert single[["token", "start", "end"]].values.tolist() == [["idiot", 0, 5]]
    assert single["value"][0] == pytest.approx(0.4)


def test_max_tokens_caps_the_explained_words_and_keeps_additivity() -> None:
    text = "fine " * 5 + "idiot stupid"
    result = explain_text(text, additive_model, LABELS, label="toxic", config=ExplainConfig(max_tokens=5))
    post = result.posts.iloc[0]
    assert (post.n_tokens, post.n_explained, post.token_cap) == (7, 5, 5)
    assert len(result.tokens) == 5
    # The two words past the cap stay in the text: they are part of the base value.
    assert post.base_value == pytest.approx(0.1 + 0.4 + 0.25)
    assert result.tokens["value"].sum() == pytest.approx(post.score - post.base_value, abs=1e-9)


def test_masker_deletes_masked_words_and_keeps_the_rest_as_written() -> None:
    masker = DeletionTextMasker(max_tokens=10)
    text = "You  are\nan idiot!!"
    (out,) = masker(np.array([True, False, True, False]), text)
    assert out.tolist() == ["You  \nan !!"]
    (full,) = masker(np.ones(4, dtype=bool), text)
    assert full[0] == text


def test_progress_callback_and_cancel_flag_stop_the_run() -> None:
    seen: list[tuple[int, int]] = []

    def stop_after_two(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 2

    result = explain_texts(POSTS, additive_model, LABELS, progress=stop_after_two)
    assert seen == [(1, 6), (2, 6)]
    assert result.cancelled
    assert set(result.posts["post_id"]) == {0, 1}

    flag = threading.Event()
    flag.set()
    stopped = explain_texts(POSTS, additive_model, LABELS, cancel=flag)
    assert stopped.cancelled and stopped.posts.empty and stopped.tokens.empty

    finished = explain_texts(POSTS[:2], additive_model, LABELS, progress=lambda d, t: None)
    assert not finished.cancelled


def test_same_seed_gives_same_values_and_unknown_label_is_a_user_error() -> None:
    config = ExplainConfig(max_evals=40, batch_size=5)
    text = POSTS[5]
    first = explain_text(text, sigmoid_model, LABELS, config=config).tokens
    second = explain_text(text, sigmoid_model, LABELS, config=config).tokens
    np.testing.assert_array_equal(first["value"], second["value"])
    with pytest.raises(ModLensError, match=r"Unknown label 'spam'.*toxic, hate"):
        explain_text("hi", additive_model, LABELS, label="spam")


def test_post_ids_are_carried_through() -> None:
    result = explain_texts(["idiot", "fine"], additive_model, LABELS, post_ids=["a7", "b9"], label="toxic")
    assert list(result.posts["post_id"]) == ["a7", "b9"]
    assert result.for_post("a7", "toxic")["value"].tolist() == pytest.approx([0.4])
    with pytest.raises(ValueError, match="post ids"):
        explain_texts(["a"], additive_model, LABELS, post_ids=[1, 2])


def test_package_exports_resolve_lazily() -> None:
    import core.explain as explain
    from core.explain import shap_values

    assert explain.explain_texts is shap_values.explain_texts
    assert all(callable(getattr(explain, name)) or name == "PredictFn" for name in explain.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        explain.nope  # noqa: B018


def test_a_huge_post_is_explained_from_its_start_only_with_a_note() -> None:
    seen: list[int] = []

    def measuring_model(texts: list[str]) -> np.ndarray:
        seen.extend(len(t) for t in texts)
        return additive_model(texts)

    post = "you idiot " + "word " * 200_000  # 1 MB
    config = ExplainConfig(max_evals=40, max_chars=2_000)
    result = explain_text(post, measuring_model, LABELS, config=config)
    assert max(seen) <= 2_000
    assert result.for_post(0, "toxic")["end"].max() <= 2_000
    assert any("first 2,000 characters" in note for note in result.notes)
    assert explain_text("short idiot post", additive_model, LABELS, config=config).notes == ()
    with pytest.raises(ModLensError, match="max_chars"):
        ExplainConfig(max_chars=0)
