"""The dashboard's helpers without a page: escaping, inputs, results, exports, caching, imports."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from core.errors import ModLensError
from core.scoring import ScoringProgress
from tests.ui.conftest import ROOT
from tests.ui.fake_model import KeywordModel
from ui import inputs, render, resources, results, score_view, state
from ui.results import ScoredPosts


# -- render ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "**bold** _it_ `code` ~~s~~",
        "[link](http://evil.example) ![img](https://evil.example/x.png)",
        ":red[red] :smile: :material/home:",
        "<img src=x onerror=alert(1)> <b>b</b> &amp;",
        "$x^2$ # heading\n1. item\n- item | a | b |",
        "www.evil.example HTTPS://EVIL.EXAMPLE a@b.example mailto:a@b.example ftp://x",
        "back\\slash \\*",
    ],
)
def test_escape_markdown_round_trips_and_leaves_no_markup(text: str) -> None:
    escaped = render.escape_markdown(text)
    assert render.visible_text(escaped) == text
    unescaped_specials = [
        c for i, c in enumerate(escaped) if c in "*_`[]()<>#:$~|!" and (i == 0 or escaped[i - 1] != "\\")
    ]
    assert unescaped_specials == []
    for token in ("http", "https", "www", "ftp", "mailto"):
        assert token not in escaped.lower()


# -- inputs ---------------------------------------------------------------------------------------
def test_load_upload_reads_posts_or_asks_for_the_text_column() -> None:
    posts = inputs.load_upload("a.csv", b"id,Text\n1,hello\n")
    assert posts.text_col == "Text" and posts.texts == ["hello"]
    pending = inputs.load_upload("b.csv", b"id,words\n1,hello there\n2,\n")
    assert isinstance(pending, inputs.NeedsTextColumn)
    assert pending.candidates[0] == "words"
    picked = inputs.with_text_column(pending, "words")
    assert picked.texts == ["hello there", ""]
    assert picked.content_hash == pending.content_hash != ""
    assert any("1 post(s) have empty text" in n for n in picked.notes)
    with pytest.raises(ModLensError, match="not in the file"):
        inputs.with_text_column(pending, "nope")


def test_load_upload_raises_core_messages_for_bad_files() -> None:
    with pytest.raises(ModLensError, match="never closed"):
        inputs.load_upload("x.csv", b'text\n"open\n')
    with pytest.raises(ModLensError, match="empty"):
        inputs.load_upload("x.csv", b"")


def test_pasted_posts_and_sample_posts() -> None:
    posts = inputs.pasted_posts(" one \n\n two\n")
    assert posts.texts == ["one", "two"]
    assert posts.content_hash == inputs.pasted_posts("one\ntwo").content_hash
    assert posts.content_hash != inputs.pasted_posts("two\none").content_hash
    with pytest.raises(ModLensError, match="paste at least one post"):
        inputs.pasted_posts(" \n ")
    sample = inputs.sample_posts()
    assert len(sample) == 300 and sample.text_col == "text"


def test_guess_truth_columns() -> None:
    guesses = inputs.guess_truth_columns(["id", "text", "label", "HATE"], ["toxic", "hate"], "text")
    assert guesses == {"toxic": "label", "hate": "HATE"}
    assert inputs.guess_truth_columns(["text", "x"], ["toxic"], "text") == {"toxic": None}


# -- results --------------------------------------------------------------------------------------
def _result(texts: list[str] | None = None) -> ScoredPosts:
    texts = texts or ["you idiot", "nice", "=SUM(A1)", "I hate you, stupid"]
    posts = inputs.pasted_posts("\n".join(texts))
    scores = KeywordModel().predict_proba(posts.texts)
    return ScoredPosts(posts, ("toxic", "hate"), scores, {"toxic": 0.5, "hate": 0.5}, "keyword-fake")


def test_progress_text() -> None:
    text = results.progress_text(ScoringProgress(done=16_384, total=100_000, seconds=2.0))
    assert text == "Scored 16,384 of 100,000 posts · 8,192 posts/s"


def test_table_layout_and_reflag() -> None:
    result = _result()
    assert list(result.table.columns) == ["text", "score_toxic", "flag_toxic", "score_hate", "flag_hate"]
    flagged = result.flagged({"toxic": 0.05, "hate": 0.99})
    assert flagged["flag_toxic"].tolist() == [1, 1, 1, 1]
    assert flagged["flag_hate"].tolist() == [0, 0, 0, 0]
    assert result.table["flag_toxic"].tolist() == [1, 0, 0, 1]  # the stored table is untouched


def test_filter_rows_and_summary() -> None:
    result = _result()
    table = result.table
    view = results.filter_rows(table, result.texts, result.labels, search="YOU")
    assert view.index.tolist() == [0, 3]
    view = results.filter_rows(table, result.texts, result.labels, label="hate", flag="flagged")
    assert view.index.tolist() == [3]
    view = results.filter_rows(table, result.texts, result.labels, flag="not flagged", score_range=(0.0, 0.2))
    assert view.index.tolist() == [1, 2]
    summary = results.summarize(table, result.labels)
    assert summary == {"posts": 4, "flagged_toxic": 2, "flagged_hate": 1, "flagged_any": 2, "share_flagged": 0.5}
    assert results.summarize(table.iloc[:0], result.labels)["share_flagged"] == 0.0


def test_csv_export_escapes_formulas_and_records_thresholds() -> None:
    result = _result()
    data = results.export_csv(result, {"toxic": 0.05, "hate": 0.5})
    frame = pd.read_csv(io.BytesIO(data), keep_default_na=False)
    assert frame["text"].tolist()[2] == "'=SUM(A1)"
    assert frame["flag_toxic"].tolist() == [1, 1, 1, 1]
    assert frame["threshold_toxic"].unique().tolist() == [pytest.approx(0.05)]
    assert frame["threshold_hate"].unique().tolist() == [0.5]
    assert results.export_name(result, ".csv") == "pasted_posts.scored.csv"


def test_parquet_export_keeps_text_and_stores_thresholds() -> None:
    result = _result()
    table = pq.read_table(io.BytesIO(results.export_parquet(result, {"toxic": 0.3, "hate": 0.7})))
    meta = json.loads(table.schema.metadata[b"modlens"])
    assert meta["thresholds"] == {"toxic": 0.3, "hate": 0.7}
    assert meta["model"] == "keyword-fake"
    assert table.column("text").to_pylist()[2] == "=SUM(A1)"  # Parquet is not a spreadsheet: raw text


# -- resources ------------------------------------------------------------------------------------
def test_model_version_changes_with_the_model() -> None:
    one, two = KeywordModel(), KeywordModel()
    assert resources.model_version(one) == resources.model_version(two)
    two.metadata_["created"] = "2027-01-01"
    assert resources.model_version(one) != resources.model_version(two)


def test_scoring_job_reports_progress_and_reuses_the_cache(fake_model: KeywordModel) -> None:
    texts = [f"post {i} idiot" if i % 2 else f"post {i}" for i in range(40_000)]
    seen: list[int] = []
    job = resources.start_scoring(fake_model, "hash-1", "text", texts)
    scores = job.wait(lambda p: seen.append(p.done if p else 0), poll=0.001)
    assert scores.shape == (40_000, 2)
    assert job.progress is not None and job.progress.done == 40_000
    assert scores[1, 0] > 0.5 > scores[0, 0]
    calls = fake_model.calls
    again = resources.start_scoring(fake_model, "hash-1", "text", texts).wait(lambda p: None)
    assert fake_model.calls == calls
    np.testing.assert_array_equal(again, scores)


def test_a_running_job_is_joined_not_started_twice(fake_model: KeywordModel, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = fake_model.predict_proba

    def predict(texts: list[str]) -> np.ndarray:
        time.sleep(0.2)
        return slow(texts)

    monkeypatch.setattr(fake_model, "predict_proba", predict)
    first = resources.start_scoring(fake_model, "hash-2", "text", ["a", "b"])
    second = resources.start_scoring(fake_model, "hash-2", "text", ["a", "b"])
    assert first is second
    assert first.wait(lambda p: None).shape == (2, 2)


def test_importing_the_dashboard_does_not_import_tensorflow() -> None:
    code = (
        "import sys, runpy; import ui.resources, ui.score_view, ui.results, ui.inputs, ui.state, core.plots.scores; "
        "print('tensorflow' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- long tables ----------------------------------------------------------------------------------
def test_long_tables_load_lazily_and_open_posts_by_number(score_page: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(score_view, "LAZY_ROWS", 2)
    score_page.text_area(key=state.PASTE).set_value("you idiot\nnice\nI hate you")
    next(b for b in score_page.button if b.label == "Score pasted posts").click()
    at = score_page.run()
    assert not at.exception
    assert at.session_state[state.RESULT] is not None
    at.number_input(key=state.OPEN_ROW).set_value(2).run()
    assert [c.value for c in at.code] == ["I hate you"]
    assert at.page_link[0].proto.query_string == "row=2"
