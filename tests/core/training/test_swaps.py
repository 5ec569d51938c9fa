"""Identity-swap copies of training posts: which posts, what changes, and what never leaks in."""

from __future__ import annotations

import pandas as pd

from core.bias.lexicon import Lexicon, find_terms
from core.training.dedup import text_key
from core.training.swaps import swapped_copies

LEXICON = Lexicon.from_frame(
    pd.DataFrame(
        {
            "group": ["jewish", "jewish", "muslim", "muslim", "deaf", "deaf"],
            "category": ["religion", "religion", "religion", "religion", "disability", "disability"],
            "term": ["jew", "jews", "muslim", "muslims", "deaf person", "deaf people"],
            "plural": ["jews", "jews", "muslims", "muslims", "deaf people", "deaf people"],
        }
    )
)


def _groups(text: str) -> set[str]:
    return {match.group for match in find_terms(text, LEXICON)}


def test_only_posts_naming_a_group_get_a_copy_with_another_group() -> None:
    texts = ["I hate jews.", "Lovely weather today.", "My friend is a muslim.", "The deaf people next door sing."]
    picked, copies = swapped_copies(texts, 1.0, seed=3, lexicon=LEXICON)
    assert picked.tolist() == [0, 2, 3]
    for row, copy in zip(picked, copies, strict=True):
        assert copy != texts[row] and _groups(copy) and not _groups(copy) & _groups(texts[row])
    assert copies[0].startswith("I hate ") and copies[0].endswith(".")


def test_form_and_case_follow_the_words_replaced() -> None:
    _, copies = swapped_copies(["JEWS out", "Muslims are kind", "a jew walked in"], 1.0, seed=1, lexicon=LEXICON)
    assert copies[0].split()[0].isupper() and copies[0].endswith(" out")
    assert copies[1].split()[0][0].isupper() and copies[1].lower().split()[0] in {"jews", "deaf"}
    assert copies[2].lower() in {"a muslim walked in", "a deaf person walked in"}


def test_share_and_seed_decide_the_copies() -> None:
    texts = [f"post {i} about muslims" for i in range(400)]
    picked, copies = swapped_copies(texts, 0.5, seed=7, lexicon=LEXICON)
    assert 150 < len(picked) < 250 and len(copies) == len(picked)
    again = swapped_copies(texts, 0.5, seed=7, lexicon=LEXICON)
    other = swapped_copies(texts, 0.5, seed=8, lexicon=LEXICON)
    assert again[1] == copies and other[0].tolist() != picked.tolist()
    assert swapped_copies(texts, 0.0, seed=7, lexicon=LEXICON)[1] == []


def test_a_copy_equal_to_a_held_out_post_is_dropped() -> None:
    texts = ["jews are here"] * 50
    _, copies = swapped_copies(texts, 1.0, seed=2, lexicon=LEXICON)
    assert set(copies) == {"muslims are here", "deaf people are here"}
    held_out = {text_key("Muslims are here!")}
    _, kept = swapped_copies(texts, 1.0, seed=2, lexicon=LEXICON, held_out_keys=held_out)
    assert set(kept) == {"deaf people are here"} and len(kept) < len(copies)


def test_a_post_naming_every_group_is_left_alone() -> None:
    picked, copies = swapped_copies(["jews, muslims and deaf people"], 1.0, seed=1, lexicon=LEXICON)
    assert picked.size == 0 and copies == []
