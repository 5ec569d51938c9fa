"""Scored posts without widgets: the table, flags at new thresholds, filters, summary and exports."""

from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.ui.fake_model import KeywordModel
from ui.services import inputs, results
from ui.services.results import ScoredPosts


def _result(texts: list[str] | None = None) -> ScoredPosts:
    texts = texts or ["you idiot", "nice", "=SUM(A1)", "I hate you, stupid"]
    posts = inputs.pasted_posts("\n".join(texts))
    scores = KeywordModel().predict_proba(posts.texts)
    return ScoredPosts(posts, ("toxic", "hate"), scores, {"toxic": 0.5, "hate": 0.5}, "keyword-fake")


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


def test_export_keeps_input_columns_named_like_the_columns_it_adds() -> None:
    from core.io.posts import Posts

    frame = pd.DataFrame(
        {
            "text": ["you idiot", "nice"],
            "model_name": ["their model", "theirs too"],
            "threshold_toxic": ["high", "low"],
            "row_number": [17, 42],
        }
    )
    posts = Posts(frame=frame, text_col="text", source_name="mine.csv", content_hash="h")
    result = ScoredPosts(
        posts, ("toxic", "hate"), KeywordModel().predict_proba(posts.texts), {"toxic": 0.5, "hate": 0.5}
    )
    table = results.export_table(result, {"toxic": 0.3, "hate": 0.7})
    assert table["model_name"].tolist() == ["their model", "theirs too"]  # the file's data, not replaced
    assert table["threshold_toxic"].tolist() == ["high", "low"]
    assert table["row_number"].tolist() == [17, 42]
    assert table["model_name (ModLens)"].tolist() == ["", ""]
    assert table["threshold_toxic (ModLens)"].tolist() == [pytest.approx(0.3)] * 2
    assert table["threshold_hate"].tolist() == [pytest.approx(0.7)] * 2
    assert table["row_number (ModLens)"].tolist() == [1, 2]
    assert "model_version" in table.columns
