"""AppTest: the Score page with the keyword fake model (no TensorFlow): input, scoring, results, table, export."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.fake_model import KeywordModel
from tests.ui.pages.apptest import errors, metric, paste, pick_rows, results_table, upload, use_sample
from ui.components import safe_text, thresholds
from ui.sections.score import input as score_input
from ui.sections.score import privacy as score_privacy
from ui.sections.score import table as score_table
from ui.sections.score import truth
from ui.services import session


# -- inputs ---------------------------------------------------------------------------------------
def test_sample_posts_button(score_page: AppTest) -> None:
    at = use_sample(score_page)
    assert not at.exception
    assert metric(at, "Posts") == "300"
    table = results_table(at)
    assert {"text", "score_toxic", "flag_toxic", "score_hate", "flag_hate", "id", "group"} <= set(table.columns)
    assert table.index.name == "post" and table.index[0] == "p001"  # the file's id column names the posts


def test_paste_scores_one_post_per_non_empty_line(score_page: AppTest) -> None:
    at = paste(score_page)
    assert not at.exception
    table = results_table(at)
    assert table["text"].tolist() == ["you idiot", "hello there", "I hate you, stupid"]
    assert table["flag_toxic"].tolist() == [True, False, True]
    assert table["flag_hate"].tolist() == [False, False, True]
    assert metric(at, "Flagged toxic") == "2"
    assert metric(at, "Flagged for any label") == "2"


def test_paste_without_posts_shows_an_error(score_page: AppTest) -> None:
    at = paste(score_page, "  \n\n")
    assert not at.exception
    assert any("paste at least one post" in e for e in errors(at))


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"id": ["a1", "a2", "a3"], "text": ["you idiot", "nice day", "stupid moron"], "toxic": [1, 0, 1]}
    )


def _excel(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("posts.csv", lambda f: f.to_csv(index=False).encode()),
        ("posts.tsv", lambda f: f.to_csv(index=False, sep="\t").encode()),
        ("posts.jsonl", lambda f: f.to_json(orient="records", lines=True).encode()),
        ("posts.parquet", lambda f: f.to_parquet(index=False)),
        ("posts.xlsx", _excel),
    ],
)
def test_upload_every_supported_format(score_page: AppTest, name: str, encode) -> None:
    at = upload(score_page, name, encode(_frame()))
    assert not at.exception
    assert errors(at) == []
    table = results_table(at)
    assert table["text"].tolist() == ["you idiot", "nice day", "stupid moron"]
    assert table["flag_toxic"].tolist() == [True, False, True]
    assert metric(at, "Posts") == "3"


def test_upload_guesses_the_truth_column_and_shows_quick_metrics(score_page: AppTest) -> None:
    at = upload(score_page, "posts.csv", _frame().to_csv(index=False).encode())
    assert at.selectbox(key=truth.picker_key("toxic")).value == "toxic"
    metrics = next(d.value for d in at.dataframe if "recall" in d.value.columns)
    row = metrics.set_index("label").loc["toxic"]
    assert (row["n"], row["positives"], row["precision"], row["recall"]) == (3, 2, 1.0, 1.0)


def test_a_new_input_resets_label_pickers_and_filters(score_page: AppTest) -> None:
    at = upload(score_page, "posts.csv", _frame().to_csv(index=False).encode())
    at.text_input(key=score_table.SEARCH).set_value("idiot").run()
    assert len(results_table(at)) == 1
    at = paste(at, "hello\nyou moron")
    assert not at.exception
    assert at.selectbox(key=truth.picker_key("toxic")).options == ["(none)"]
    assert at.text_input(key=score_table.SEARCH).value == ""
    assert results_table(at)["text"].tolist() == ["hello", "you moron"]
    assert not [d for d in at.dataframe if "recall" in d.value.columns]


def test_column_picker_when_no_text_column_is_found(score_page: AppTest) -> None:
    data = pd.DataFrame({"n": ["1", "2"], "remark": ["you idiot", "lovely weather today"]}).to_csv(index=False)
    at = upload(score_page, "odd.csv", data.encode())
    assert not at.exception
    assert errors(at) == []
    picker = at.selectbox(key=score_input.TEXT_COLUMN_PICK)
    assert picker.options[0] == "remark"  # most text-like column first
    assert not [d for d in at.dataframe if "score_toxic" in d.value.columns]
    picker.set_value("remark")
    next(b for b in at.button if b.label == "Score this column").click()
    at.run()
    assert not at.exception
    table = results_table(at)
    assert table["remark"].tolist() == ["you idiot", "lovely weather today"]
    assert table["flag_toxic"].tolist() == [True, False]
    assert not [s for s in at.selectbox if s.key == score_input.TEXT_COLUMN_PICK]


def test_bad_file_shows_core_message_and_keeps_earlier_results(score_page: AppTest) -> None:
    at = use_sample(score_page)
    at = upload(at, "broken.csv", b'id,text\n1,"never closed\n2,ok\n')
    assert not at.exception
    assert any("is never closed" in e for e in errors(at)), errors(at)
    assert metric(at, "Posts") == "300"  # the earlier results are still there
    at = upload(at, "report.pdf", b"%PDF-1.7 binary")
    assert any("Unsupported file type '.pdf'" in e for e in errors(at))
    at = paste(at, "you idiot")
    assert errors(at) == []  # the next good input clears the error
    assert metric(at, "Posts") == "1"


def test_a_failing_model_shows_an_error_once(
    score_page: AppTest, fake_model: KeywordModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def broken(texts: list[str]) -> None:
        calls.append(len(texts))
        raise RuntimeError("tensor shapes")

    monkeypatch.setattr(fake_model, "predict_proba", broken)
    at = paste(score_page, "new text nobody scored")
    assert not at.exception
    shown = next(e for e in errors(at) if e.startswith("Scoring failed"))
    assert "(RuntimeError: tensor shapes)" in shown and "Try again" in shown  # what failed and what to try
    assert "server log has the details from then" in shown  # never only "see the server log"
    at.run()  # the next rerun does not try again
    assert calls == [1]
    assert not at.exception


def test_bad_label_values_show_an_error_for_that_label_only(score_page: AppTest) -> None:
    data = pd.DataFrame({"text": ["you idiot", "nice"], "toxic": ["maybe", "no"]}).to_csv(index=False)
    at = upload(score_page, "labels.csv", data.encode())
    assert not at.exception
    assert any("Column 'toxic' has values that are not labels" in e for e in errors(at))
    assert metric(at, "Posts") == "2"


# -- results --------------------------------------------------------------------------------------
def test_threshold_slider_reflags_without_rescoring(score_page: AppTest, fake_model: KeywordModel) -> None:
    at = paste(score_page)
    calls = fake_model.calls
    assert at.slider(key=thresholds.slider_key("toxic")).value == 0.5  # starts at the model's
    at.slider(key=thresholds.slider_key("toxic")).set_value(0.05).run()
    assert not at.exception
    assert metric(at, "Flagged toxic") == "3"
    assert results_table(at)["flag_toxic"].tolist() == [True, True, True]
    at.slider(key=thresholds.slider_key("toxic")).set_value(0.96).run()
    assert metric(at, "Flagged toxic") == "0"
    assert fake_model.calls == calls  # flags changed, the model was not called again
    next(b for b in at.button if b.label == "Reset").click()
    at.run()
    assert at.slider(key=thresholds.slider_key("toxic")).value == 0.5
    assert metric(at, "Flagged toxic") == "2"


def test_thresholds_survive_a_page_switch(score_page: AppTest) -> None:
    at = paste(score_page)
    at.slider(key=thresholds.slider_key("hate")).set_value(0.2).run()
    at.switch_page("pages/bias.py").run()
    at.switch_page("pages/score.py").run()
    assert at.slider(key=thresholds.slider_key("hate")).value == 0.2
    assert metric(at, "Flagged hate") == "1"


def test_same_input_is_scored_once(score_page: AppTest, fake_model: KeywordModel) -> None:
    at = use_sample(score_page)
    calls = fake_model.calls
    at = use_sample(at)
    assert metric(at, "Posts") == "300"
    assert fake_model.calls == calls


def test_filters_search_label_flag_and_score_range(score_page: AppTest) -> None:
    at = paste(score_page)
    at.text_input(key=score_table.SEARCH).set_value("HATE").run()
    assert results_table(at)["text"].tolist() == ["I hate you, stupid"]
    at.text_input(key=score_table.SEARCH).set_value("").run()
    at.selectbox(key=score_table.FILTER_FLAG).set_value("not flagged").run()
    assert results_table(at)["text"].tolist() == ["hello there"]
    at.selectbox(key=score_table.FILTER_LABEL).set_value("hate").run()
    assert results_table(at)["text"].tolist() == ["you idiot", "hello there"]
    at.selectbox(key=score_table.FILTER_FLAG).set_value("all posts").run()
    at.slider(key=score_table.FILTER_RANGE).set_value((0.5, 1.0)).run()
    assert results_table(at)["text"].tolist() == ["I hate you, stupid"]
    assert any("Showing 1 of 3 posts" in c.value for c in at.caption)


def test_selecting_a_post_links_it_to_the_explain_page(score_page: AppTest) -> None:
    at = paste(score_page)
    pick_rows(at, 2)
    at.run()
    assert not at.exception
    assert [c.value for c in at.code] == ["I hate you, stupid"]
    link = at.page_link[0].proto
    assert link.page == "explain"
    assert link.query_string == "post=3"  # posts are numbered from 1
    at.switch_page("pages/explain.py").run()
    assert at.subheader[0].value == "Post 3"
    assert [c.value for c in at.code] == ["I hate you, stupid"]


def test_explain_page_reads_the_row_from_the_url(score_page: AppTest) -> None:
    at = paste(score_page)
    at.switch_page("pages/explain.py")
    at.query_params["post"] = "2"
    at.run()
    assert not at.exception
    assert [c.value for c in at.code] == ["hello there"]


def test_charts_per_label_and_curves_with_truth(score_page: AppTest) -> None:
    at = upload(score_page, "posts.csv", _frame().to_csv(index=False).encode())
    charts = [c.key for c in at.get("plotly_chart")]
    assert "modlens.chart.hist.toxic" in charts and "modlens.chart.hist.hate" in charts
    assert {"modlens.chart.roc.toxic", "modlens.chart.pr.toxic", "modlens.chart.confusion.toxic"} <= set(charts)
    assert "modlens.chart.roc.hate" not in charts  # no truth column for hate


def test_export_buttons_are_offered(score_page: AppTest) -> None:
    at = use_sample(score_page)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download Parquet"]


# -- hostile text ---------------------------------------------------------------------------------
HOSTILE = [
    '<img src=x onerror="window.__pwned=1">',
    "**bold** and [a link](http://evil.example) :red[red] :material/home:",
    '=HYPERLINK("http://evil.example","click")',
]


def test_post_text_never_goes_through_markdown(score_page: AppTest) -> None:
    at = paste(score_page, "\n".join(HOSTILE))
    content_hash = at.session_state[session.RESULT].posts.content_hash
    at.toggle(key=score_privacy.SWITCH(content_hash)).set_value(True).run()  # the links as written, not <URL>
    pick_rows(at, 1)
    at.run()
    assert results_table(at)["text"].tolist() == HOSTILE
    markdown_like = [*at.markdown, *at.caption, *at.error, *at.info, *at.warning, *at.subheader, *at.header]
    for element in markdown_like:
        for payload in HOSTILE:
            assert payload not in str(element.value)
    assert [c.value for c in at.code] == [HOSTILE[1]]  # shown verbatim, unparsed


def test_hostile_column_names_in_error_messages_are_escaped(score_page: AppTest) -> None:
    data = b"text,**x** [l](http://e.x)\nhello,maybe\n"
    at = upload(score_page, "t.csv", data)
    # the column is not picked as truth (name differs), so force it through the label picker
    at.selectbox(key=truth.picker_key("toxic")).set_value("**x** [l](http://e.x)").run()
    shown = [e.value for e in at.error]
    assert shown and all("**x**" not in s and "](" not in s for s in shown)
    assert any("**x** [l](http://e.x)" in safe_text.visible_text(s) for s in shown)


def test_long_tables_show_a_page_at_a_time_and_open_posts_by_number(
    score_page: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(score_table, "PAGE_ROWS", 2)
    at = paste(score_page, "you idiot\nnice\nI hate you")
    assert not at.exception
    assert results_table(at)["text"].tolist() == ["you idiot", "nice"]
    assert any("Showing posts 1-2 of the 3 that match, of 3 posts, named by their row" in c.value for c in at.caption)
    at.number_input(key=score_table.PAGE).set_value(2).run()
    assert results_table(at)["text"].tolist() == ["I hate you"]
    pick_rows(at, 0)
    at.run()
    assert [c.value for c in at.code] == ["I hate you"]  # the row picked on page 2 is post 3 (from 1)
    at.selectbox(key=score_table.SORT).set_value("score_toxic").run()  # every page, highest first
    at.number_input(key=score_table.PAGE).set_value(1).run()
    assert results_table(at)["text"].tolist() == ["you idiot", "I hate you"]
    pick_rows(at)
    at.text_input(key=score_table.OPEN_ROW).set_value("2").run()  # any post, by its name
    assert [c.value for c in at.code] == ["nice"]
    assert at.page_link[0].proto.query_string == "post=2"
    at.text_input(key=score_table.OPEN_ROW).set_value("9").run()
    assert any("No post is named '9'" in safe_text.visible_text(w.value) for w in at.warning)
