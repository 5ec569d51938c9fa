"""AppTest: the Score page marks non-English posts, says their share once per upload, and filters by language."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.ui.pages.apptest import pick_rows, results_table, upload
from ui.components import safe_text
from ui.sections.score import languages as score_languages
from ui.services import session

POSTS = pd.DataFrame(
    {
        "text": [
            "You are a complete idiot and everyone knows it",
            "Eres un completo idiota y todo el mundo lo sabe",
            "Thanks a lot for the kind words yesterday",
            "Tu es un idiot complet et tout le monde le sait",
            "ok",
        ]
    }
)


def test_language_column_banner_and_filter(score_page: AppTest) -> None:
    at = upload(score_page, "mixed.csv", POSTS.to_csv(index=False).encode())
    assert not at.exception
    table = results_table(at)
    assert [cell.split()[0] for cell in table["language"]] == ["en", "⚠️", "en", "⚠️", "unknown"]
    assert table["language"].iloc[1].startswith("⚠️ es ") and table["language"].iloc[4] == "unknown (too short)"
    banners = [safe_text.visible_text(w.value) for w in at.warning]
    assert any(b.startswith("40% of this upload (2 of 5 posts) looks non-English: ") for b in banners), banners

    content_hash = at.session_state[session.RESULT].posts.content_hash
    language = at.multiselect(key=score_languages.FILTER(content_hash))
    assert language.options[-1].startswith("unknown")
    language.set_value(["es", "fr"]).run()
    assert results_table(at)["text"].tolist() == [POSTS["text"][1], POSTS["text"][3]]

    pick_rows(at, 0)
    at.run()
    assert any("looks non-English" in c.value for c in at.caption)  # the opened post says so too


def test_an_english_upload_has_no_banner(score_page: AppTest) -> None:
    at = upload(score_page, "en.csv", POSTS.iloc[[0, 2]].to_csv(index=False).encode())
    assert not at.exception
    assert not any("non-English" in w.value for w in at.warning)
    assert results_table(at)["language"].str.startswith("en ").all()
