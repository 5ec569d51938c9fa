"""AppTest: posts are named by the file's id (else 1-based row numbers) everywhere; pickers start afresh for new
data; the export records the model and can be limited to the filtered view. Issue 10, items 5, 6 and 7."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow.parquet as pq
from streamlit.testing.v1 import AppTest

from tests.ui.pages.apptest import paste, pick_rows, results_table, upload, use_sample
from tests.ui.pages.test_model_page import PAGE, data_id
from tests.ui.pages.test_model_page import upload as model_upload
from ui.components import safe_text
from ui.sections.bias import data as bias_data
from ui.sections.score import export as score_export
from ui.sections.score import numbering, truth
from ui.sections.score import table as score_table
from ui.services import results, session

MINE = pd.DataFrame(
    {
        "tweet_id": [f"u{i}" for i in range(1, 41)],
        "text": [("you idiot" if i % 10 == 0 else f"post number {i}") for i in range(1, 41)],
        "gold": [int(i % 10 == 0) for i in range(1, 41)],
    }
)
"""40 posts with their own ids (``u1``..``u40``); ``u30`` is 'you idiot', on row 30."""
AT_HALF = {"toxic": 0.5, "hate": 0.5}


def csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def texts(at: AppTest, kind: str) -> list[str]:
    return [safe_text.visible_text(e.value) for e in getattr(at, kind)]


# -- item 5: post names ----------------------------------------------------------------------------
def test_the_file_id_names_posts_in_the_table_link_explain_and_export(score_page: AppTest) -> None:
    at = upload(score_page, "mine.csv", csv(MINE))
    assert at.selectbox(key=numbering.PICKER).value == "tweet_id"  # found by name
    table = results_table(at)
    assert table.index.name == "post" and table.index[29] == "u30"
    pick_rows(at, 29)
    at.run()
    assert any(m.value.startswith("**Post u30**") for m in at.markdown)
    assert at.page_link[0].proto.query_string == "post=u30"

    at.switch_page("pages/explain.py")
    at.query_params["post"] = "u30"
    at.run()
    assert at.subheader[0].value == "Post u30"
    assert [c.value for c in at.code] == ["you idiot"]
    assert at.selectbox(key="modlens.explain.row").options[29] == "u30"

    exported = pd.read_csv(
        io.BytesIO(results.export_csv(at.session_state[session.RESULT], {"toxic": 0.5, "hate": 0.5}))
    )
    assert "row_number" not in exported.columns and exported.loc[29, "tweet_id"] == "u30"


def test_without_an_id_posts_are_numbered_from_1_everywhere(score_page: AppTest) -> None:
    at = paste(score_page, "hello\nyou idiot\n")
    assert at.selectbox(key=numbering.PICKER).value == numbering.ROW_NUMBERS
    assert results_table(at).index.tolist() == ["1", "2"]
    exported = pd.read_csv(
        io.BytesIO(results.export_csv(at.session_state[session.RESULT], {"toxic": 0.5, "hate": 0.5}))
    )
    assert exported["row_number"].tolist() == [1, 2]
    at.switch_page("pages/explain.py")
    at.query_params["post"] = "2"
    at.run()
    assert at.subheader[0].value == "Post 2" and [c.value for c in at.code] == ["you idiot"]


def test_the_id_column_can_be_picked_and_a_bad_one_is_refused(score_page: AppTest) -> None:
    frame = MINE.rename(columns={"tweet_id": "ref"}).assign(batch=["a"] * 40)
    at = upload(score_page, "mine.csv", csv(frame))
    assert at.selectbox(key=numbering.PICKER).value == numbering.ROW_NUMBERS  # 'ref' is not an id name
    at.selectbox(key=numbering.PICKER).set_value("ref").run()
    assert results_table(at).index[29] == "u30"
    assert at.session_state[session.RESULT].id_col == "ref"
    at.selectbox(key=numbering.PICKER).set_value("batch").run()
    assert any("Column 'batch' repeats values" in e for e in texts(at, "error"))
    assert results_table(at).index[29] == "u30"  # kept the last good names


def test_bias_page_names_posts_by_id(score_page: AppTest) -> None:
    frame = pd.DataFrame({"id": ["a7", "b8"], "text": ["muslims are vermin", "hello"]})
    at = upload(score_page, "ids.csv", csv(frame))
    at.switch_page("pages/bias.py").run()
    terms = [d.value for d in at.dataframe if "identity_terms" in d.value.columns][-1]
    assert terms.index.name == "post" and terms.index.tolist() == ["a7"]


# -- item 6: pickers start afresh when the data changes --------------------------------------------
def test_score_page_pickers_reset_from_the_sample_to_an_upload(score_page: AppTest) -> None:
    at = use_sample(score_page)
    assert at.selectbox(key=truth.picker_key("toxic")).value == "label"
    assert at.selectbox(key=truth.picker_key("hate")).value == "hate"
    assert at.selectbox(key=numbering.PICKER).value == "id"
    at = upload(at, "mine.csv", csv(MINE))
    assert at.selectbox(key=truth.picker_key("toxic")).value == truth.NO_COLUMN  # 'label' is not in this file
    assert at.selectbox(key=truth.picker_key("hate")).value == truth.NO_COLUMN
    assert at.selectbox(key=numbering.PICKER).value == "tweet_id"
    assert set(at.selectbox(key=truth.picker_key("toxic")).options) == {truth.NO_COLUMN, "tweet_id", "gold"}


def test_bias_page_truth_picker_resets_from_the_sample_to_an_upload(app: AppTest) -> None:
    at = app.switch_page("pages/bias.py").run()
    at.radio(key=bias_data.SOURCE).set_value(bias_data.SOURCE_SAMPLE).run()
    picker = next(s for s in at.selectbox if s.label.startswith("Label column (truth for"))
    assert picker.value == "label"
    at.radio(key=bias_data.SOURCE).set_value(bias_data.SOURCE_UPLOAD).run()
    at.file_uploader(key=bias_data.UPLOAD).set_value(("mine.csv", csv(MINE), "text/csv")).run()
    picker = next(s for s in at.selectbox if s.label.startswith("Label column (truth for"))
    assert "label" not in picker.options and picker.value != "label"
    assert not at.exception


def test_model_page_label_pickers_reset_for_another_file(app: AppTest) -> None:
    at = app.switch_page(PAGE).run()
    first = pd.DataFrame({"text": ["a", "b"], "toxic": [1, 0], "hate": [0, 1]})
    model_upload(at, "train", first, name="first.csv")
    ident = data_id(at, "train")
    assert at.selectbox(key=f"modlens.model.train.{ident}.column.hate").value == "hate"
    model_upload(at, "train", pd.DataFrame({"post": ["a", "b"], "is_toxic": [1, 0]}), name="second.csv")
    ident = data_id(at, "train")
    assert at.selectbox(key=f"modlens.model.train.{ident}.column.hate").value == "(none)"
    assert at.selectbox(key=f"modlens.model.train.{ident}.column.toxic").value == "is_toxic"
    assert at.selectbox(key=f"modlens.model.train.{ident}.text").value == "post"


# -- item 7: export ---------------------------------------------------------------------------------
def test_export_records_the_model_and_can_be_the_filtered_view(score_page: AppTest) -> None:
    at = upload(score_page, "mine.csv", csv(MINE))
    at.selectbox(key=score_table.FILTER_FLAG).set_value("flagged").run()
    assert len(results_table(at)) == 4
    radio = at.radio(key=score_export.ROWS)
    assert radio.options == ["All posts (40)", "The filtered view (4)"]
    result = at.session_state[session.RESULT]
    everything = pd.read_csv(io.BytesIO(results.export_csv(result, {"toxic": 0.5, "hate": 0.5})))
    assert len(everything) == 40
    assert set(everything["model_name"]) == {"keyword-fake"} and set(everything["model_version"]) == {"v0"}
    assert everything["threshold_toxic"].eq(0.5).all()

    radio.set_value(score_export.FILTERED).run()
    assert [b.proto.label for b in at.get("download_button")] == ["Download CSV", "Download Parquet"]
    view = [int(r) for r in result.flagged({"toxic": 0.5, "hate": 0.5}).query("flag_toxic == 1").index]
    filtered = pd.read_csv(io.BytesIO(results.export_csv(result, {"toxic": 0.5, "hate": 0.5}, view)))
    assert filtered["tweet_id"].tolist() == ["u10", "u20", "u30", "u40"]
    parquet = pq.read_table(io.BytesIO(results.export_parquet(result, {"toxic": 0.5, "hate": 0.5}, view)))
    assert parquet.num_rows == 4 and parquet.column("model_version").to_pylist() == ["v0"] * 4
    assert b'"model_version": "v0"' in parquet.schema.metadata[b"modlens"]


def test_a_hostile_id_column_name_is_shown_literally_in_the_picker_help(score_page: AppTest) -> None:
    from ui.sections.explain import post_picker

    name = "![x](https://attacker.example/pixel.png)[click](https://attacker.example)"
    at = upload(score_page, "mine.csv", csv(MINE.rename(columns={"tweet_id": name})))
    at.selectbox(key=numbering.PICKER).set_value(name).run()
    at.switch_page("pages/explain.py").run()
    assert not at.exception
    shown = at.selectbox(key=post_picker.ROW).help
    assert "](" not in shown and "https://" not in shown  # no link or image the tooltip would render
    assert safe_text.visible_text(shown) == f"Posts are named by the file's '{name}' column."
