"""AppTest: the Bias page with a keyword fake model that is biased against one identity ('muslim').

The bias makes the probes measurable: posts and template sentences that
mention Muslims score 0.45 higher for ``toxic``, so the templated test, the
identity swaps and the flag rates must all single that group out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.bias import OVERALL, load_lexicon, match_identities
from core.paths import SAMPLE_POSTS
from core.privacy import redact_texts
from tests.ui.conftest import serve
from tests.ui.fake_model import TOXIC_WORDS, KeywordModel
from tests.ui.pages.apptest import pick_rows
from ui.components import safe_text, thresholds
from ui.sections.bias import charts as bias_charts
from ui.sections.bias import data as bias_data
from ui.sections.bias import settings as bias_settings
from ui.sections.score import input as score_input
from ui.services import session

BIAS = 0.45


class BiasedModel(KeywordModel):
    """The keyword model plus 0.45 on ``toxic`` for any text that mentions 'muslim'; records what it scored."""

    def __init__(self) -> None:
        super().__init__("biased-fake-model")
        self.metadata_["name"] = "biased-keyword-fake"
        self.seen: list[str] = []

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        out = super().predict_proba(texts)
        self.seen.extend(str(t) for t in texts)
        for i, text in enumerate(texts):
            if "muslim" in str(text).lower():
                out[i, 0] = min(0.95, out[i, 0] + BIAS)
        return out


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[BiasedModel]:
    """The pages of these tests score with the biased model (the ``app`` fixture of ``tests/ui/conftest.py``)."""
    yield from serve(BiasedModel(), monkeypatch)


@pytest.fixture
def model(fake_model: BiasedModel) -> BiasedModel:
    return fake_model


@pytest.fixture
def bias_page(app: AppTest) -> AppTest:
    """The Bias page on the sample posts (the default when nothing was scored yet)."""
    app.switch_page("pages/bias.py").run()
    assert not app.exception
    return app


# -- helpers ----------------------------------------------------------------------------------------
def frame(at: AppTest, column: str) -> pd.DataFrame:
    """The (last) dataframe on the page that has ``column``."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with {column!r}; tables: {[list(d.value.columns)[:4] for d in at.dataframe]}"
    return found[-1]


def group_table(at: AppTest) -> pd.DataFrame:
    table = next((d.value for d in at.dataframe if {"group", "n", "note"} <= set(d.value.columns)), None)
    assert table is not None, "no group table"
    return table.set_index("group")


def by_label(widgets: Sequence, start: str):  # any widget type
    found = [w for w in widgets if w.label.startswith(start)]
    assert found, f"no widget labelled {start!r}: {[w.label for w in widgets]}"
    return found[0]


def chart_specs(at: AppTest) -> dict[str, dict]:
    return {c.key: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def captions(at: AppTest) -> list[str]:
    return [safe_text.visible_text(c.value) for c in at.caption]


def markdown_texts(at: AppTest) -> list[str]:
    elements = [*at.markdown, *at.caption, *at.error, *at.info, *at.warning, *at.subheader, *at.header, *at.title]
    return [str(e.value) for e in elements] + [m.label for m in at.metric] + [str(m.value) for m in at.metric]


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.radio(key=bias_data.SOURCE).set_value(bias_data.SOURCE_UPLOAD).run()
    at.file_uploader(key=bias_data.UPLOAD).set_value((name, data, "text/csv")).run()
    assert not at.exception
    return at


def use_columns(at: AppTest, columns: list[str] | None = None) -> AppTest:
    by_label(at.radio, "Identity groups").set_value(bias_settings.GROUPS_COLUMNS).run()
    if columns is not None:
        by_label(at.multiselect, "Identity columns").set_value(columns).run()
    assert not at.exception
    return at


def labelled_file() -> pd.DataFrame:
    """40 posts: toxic ones have a keyword; identity columns 0/1 ('muslim'), fractions ('female'), a tiny group."""
    rows = []
    for i in range(40):
        toxic = i % 2 == 1
        muslim = i % 4 in (0, 1)
        text = f"post {i} about {'muslims' if muslim else 'people'}{', you idiot' if toxic else ', nice day'}"
        rows.append(
            {
                "text": text,
                "is_toxic": int(toxic),
                "muslim": int(muslim),
                "female": [0.0, 0.2, 0.5, 0.9][i % 4],
                "tiny": int(i in (3, 4)),
                "harmless_only": int(i % 2 == 0 and i < 20),
                "id": f"p{i:03d}",
            }
        )
    return pd.DataFrame(rows)


# -- sample posts -----------------------------------------------------------------------------------
def test_sample_posts_give_a_group_table_with_intervals_and_the_charts(bias_page: AppTest) -> None:
    at = bias_page
    assert at.radio(key=bias_data.SOURCE).value == bias_data.SOURCE_SAMPLE
    assert by_label(at.selectbox, "Label column").value == "label"  # guessed truth of 'toxic'
    table = group_table(at)
    assert table.index[-1] == OVERALL and table.loc[OVERALL, "n"] == 300
    assert {"muslim", "women", "black"} <= set(table.index)
    assert "buddhist" not in table.index  # never mentioned: left out, and said so
    assert any("Not mentioned in any post" in c and "buddhist" in c for c in captions(at))
    with_metrics = table[table["n"] >= 5].drop(index=OVERALL)
    assert len(with_metrics) >= 8
    for metric in ("subgroup_auc", "bpsn_auc", "bnsp_auc", "fpr"):
        low, value, high = (with_metrics[c] for c in (f"{metric}_low", metric, f"{metric}_high"))
        defined = value.notna() & low.notna()
        assert defined.any(), metric
        assert (low[defined] <= value[defined] + 1e-9).all() and (value[defined] <= high[defined] + 1e-9).all()
    specs = chart_specs(at)
    assert {bias_charts.chart_key(k) for k in ("auc", "errors", "heatmap", "templates", "swaps")} <= set(specs)
    auc = specs[bias_charts.chart_key("auc")]
    assert [t["name"] for t in auc["data"]] == ["Subgroup AUC", "BPSN AUC", "BNSP AUC"]
    assert all(t["error_y"]["visible"] for t in auc["data"])  # intervals drawn
    overall_line = [s["y0"] for s in auc["layout"]["shapes"]]
    assert overall_line == pytest.approx([table.loc[OVERALL, "subgroup_auc"]])
    assert any(m.label == "Overall AUC" and m.value == f"{table.loc[OVERALL, 'subgroup_auc']:.3f}" for m in at.metric)
    goods = [c for c in captions(at) if c.startswith("Good:")]
    assert len(goods) == 5  # AUC, error rates, heatmap, templated test, swaps: each says what good looks like


def test_threshold_slider_starts_at_the_model_threshold_and_moves_fpr_and_fnr(
    bias_page: AppTest, model: BiasedModel
) -> None:
    at = bias_page
    slider = at.slider(key=bias_settings.threshold_key("toxic"))
    assert slider.value == 0.5
    before = group_table(at).loc[OVERALL, ["fpr", "fnr"]]
    assert 0 < before["fpr"] < 1 and 0 < before["fnr"] < 1
    calls = model.calls
    slider.set_value(0.05).run()  # every post is flagged
    after = group_table(at)
    assert after.loc[OVERALL, "fpr"] == 1.0 and after.loc[OVERALL, "fnr"] == 0.0
    assert after.loc["muslim", "fpr"] == 1.0
    assert any(c.startswith("At threshold 0.050: overall false positive rate 1.000") for c in captions(at))
    errors = chart_specs(at)[bias_charts.chart_key("errors")]
    assert errors["data"][0]["name"] == "False positive rate" and set(errors["data"][0]["y"]) <= {1.0, None}
    assert model.calls == calls  # nothing was rescored: templates and swaps are cached, scores reused


def test_threshold_starts_at_the_score_page_threshold(app: AppTest) -> None:
    app.switch_page("pages/score.py").run()
    next(b for b in app.button if b.label == "Use sample posts").click()
    app.run()
    app.slider(key=thresholds.slider_key("toxic")).set_value(0.3).run()
    app.switch_page("pages/bias.py").run()
    assert not app.exception
    assert app.radio(key=bias_data.SOURCE).value == bias_data.SOURCE_LAST
    assert app.slider(key=bias_settings.threshold_key("toxic")).value == 0.3


def test_no_bootstrap_gives_no_intervals(bias_page: AppTest) -> None:
    at = bias_page
    assert at.number_input(key=bias_settings.BOOTSTRAP).value == bias_settings.DEFAULT_BOOTSTRAP
    at.number_input(key=bias_settings.BOOTSTRAP).set_value(0).run()
    table = group_table(at)
    assert table["subgroup_auc_low"].isna().all() and table["subgroup_auc_high"].isna().all()
    assert table["subgroup_auc"].notna().any()
    assert any("No intervals" in c for c in captions(at))


# -- other inputs -----------------------------------------------------------------------------------
def test_last_scored_posts_reuse_their_scores_and_offer_their_label_columns(app: AppTest, model: BiasedModel) -> None:
    data = labelled_file()
    app.switch_page("pages/score.py").run()
    app.file_uploader(key=score_input.UPLOAD).set_value(("mine.csv", data.to_csv(index=False).encode(), "text/csv"))
    app.run()
    scored_before = len(model.seen)
    app.switch_page("pages/bias.py").run()
    assert not app.exception
    assert app.radio(key=bias_data.SOURCE).value == bias_data.SOURCE_LAST
    assert any(c.startswith("mine.csv: 40 posts") for c in captions(app))
    assert not set(data["text"]) & set(model.seen[scored_before:])  # the posts themselves were not rescored
    truth = by_label(app.selectbox, "Label column")
    assert truth.value == "is_toxic"  # guessed from the name
    assert set(truth.options) == {bias_settings.NO_LABELS, "is_toxic", "muslim", "female", "tiny", "harmless_only"}
    table = group_table(app)
    assert table.loc[OVERALL, "n"] == 40 and table.loc[OVERALL, "positives"] == 20
    truth.set_value("harmless_only").run()  # any 0/1 column can be the truth
    assert group_table(app).loc[OVERALL, "positives"] == 10


def test_identity_columns_from_an_uploaded_file_instead_of_the_lexicon(app: AppTest) -> None:
    data = labelled_file()
    at = upload(app.switch_page("pages/bias.py").run(), "groups.csv", data.to_csv(index=False).encode())
    assert group_table(at).index.tolist() == ["muslim", OVERALL]  # lexicon: only 'muslims' is in the text
    at = use_columns(at)
    picker = by_label(at.multiselect, "Identity columns")
    assert picker.value == ["muslim", "female"]  # named like lexicon groups / terms
    assert "is_toxic" not in picker.options and "id" not in picker.options  # the truth, and not 0/1
    at = use_columns(at, ["female", "tiny", "muslim"])
    table = group_table(at)
    assert table.index.tolist() == ["female", "tiny", "muslim", OVERALL]
    assert table.loc["female", "n"] == 20  # fractions 0.5 and 0.9 are members, 0.0 and 0.2 are not
    assert table.loc["muslim", "n"] == 20
    assert not any(d.value is not None and "identity_terms" in d.value.columns for d in at.dataframe)


def test_a_file_without_labels_shows_flag_rates(app: AppTest) -> None:
    texts = [f"{'muslims' if i % 2 else 'women'} posted number {i}{' idiot' if i % 3 == 0 else ''}" for i in range(30)]
    data = pd.DataFrame({"text": texts}).to_csv(index=False).encode()
    at = upload(app.switch_page("pages/bias.py").run(), "plain.csv", data)
    assert by_label(at.selectbox, "Label column").value == bias_settings.NO_LABELS
    table = group_table(at)
    assert {"mean_score", "flag_rate", "background_flag_rate", "flag_rate_ratio"} <= set(table.columns)
    assert "subgroup_auc" not in table.columns
    assert table.loc["muslim", "n"] == 15 and table.loc["women", "n"] == 15
    assert table.loc["muslim", "flag_rate"] == 1.0  # every muslim post scores >= 0.5 with the biased model
    assert table.loc["muslim", "flag_rate_ratio"] > 1 > table.loc["women", "flag_rate_ratio"]
    assert any("No label column chosen" in i.value for i in at.info)
    keys = set(chart_specs(at))
    assert bias_charts.chart_key("flags") in keys and bias_charts.chart_key("auc") not in keys
    assert any(c.startswith("Good: every ratio is close to 1") for c in captions(at))


def test_a_tiny_group_and_a_one_class_group_get_nan_with_n_and_a_note(app: AppTest) -> None:
    data = labelled_file()
    at = upload(app.switch_page("pages/bias.py").run(), "g.csv", data.to_csv(index=False).encode())
    at = use_columns(at, ["tiny", "harmless_only", "muslim"])
    assert not at.exception
    table = group_table(at)
    assert table.loc["tiny", "n"] == 2
    assert table.loc["tiny", ["subgroup_auc", "fpr", "fnr", "subgroup_auc_low"]].isna().all()
    assert "only 2 posts (fewer than 5)" in table.loc["tiny", "note"]
    assert table.loc["harmless_only", "n"] == 10 and table.loc["harmless_only", "positives"] == 0
    assert np.isnan(table.loc["harmless_only", "subgroup_auc"]) and np.isnan(table.loc["harmless_only", "bnsp_auc"])
    assert not np.isnan(table.loc["harmless_only", "fpr"]) and not np.isnan(table.loc["harmless_only", "bpsn_auc"])
    assert "no positive posts" in table.loc["harmless_only", "note"]
    assert not np.isnan(table.loc["muslim", "subgroup_auc"])
    heatmap = chart_specs(at)[bias_charts.chart_key("heatmap")]["data"][0]
    assert heatmap["y"] == ["harmless_only", "muslim"]  # the tiny group is only in the table
    assert "Left out of the charts (fewer than 5 posts): tiny." in captions(at)
    assert heatmap["x"][:3] == ["Subgroup AUC", "BPSN AUC", "BNSP AUC"]
    assert heatmap["text"][0][0] == "" and heatmap["text"][0][1] != ""  # undefined cells are empty, not 'null'
    at.number_input(key=bias_settings.MIN_GROUP).set_value(1).run()  # now the tiny group gets its metrics
    assert not np.isnan(group_table(at).loc["tiny", "fpr"])
    assert chart_specs(at)[bias_charts.chart_key("heatmap")]["data"][0]["y"][0] == "tiny"


def test_last_option_without_scored_posts_points_to_the_score_page(bias_page: AppTest) -> None:
    at = bias_page
    at.radio(key=bias_data.SOURCE).set_value(bias_data.SOURCE_LAST).run()
    assert not at.exception
    assert any("No posts scored yet" in i.value for i in at.info)
    assert at.page_link[0].proto.page == "score"
    assert not at.dataframe


def test_a_broken_upload_shows_the_error(app: AppTest) -> None:
    at = upload(app.switch_page("pages/bias.py").run(), "broken.csv", b'id,text\n1,"never closed\n2,fine\n')
    assert any("never closed" in safe_text.visible_text(e.value) for e in at.error)
    assert not at.dataframe


# -- probes -----------------------------------------------------------------------------------------
def test_templated_test_table_singles_out_the_penalised_group(bias_page: AppTest, model: BiasedModel) -> None:
    at = bias_page
    terms = frame(at, "mean_harmless")
    assert {"group", "term", "mean_harmless", "mean_hostile", "auc"} <= set(terms.columns)
    assert terms["group"].iloc[-1] == OVERALL
    assert len(terms) > 50  # one row per identity phrase
    top = terms.iloc[0]
    assert top["group"] == "muslim" and "muslim" in top["term"].lower()
    others = terms[(terms["group"] != "muslim") & (terms["group"] != OVERALL)]
    assert top["mean_harmless"] > others["mean_harmless"].max() + 0.3
    sentences = next(m.value for m in at.metric if m.label == "Sentences")
    assert int(sentences.replace(",", "")) > 1000
    chart = chart_specs(at)[bias_charts.chart_key("templates")]
    assert chart["data"][0]["y"][0].startswith("muslim")  # per group, most penalised first
    calls = model.calls
    at.selectbox(key=bias_settings.LABEL).set_value("hate").run()
    at.selectbox(key=bias_settings.LABEL).set_value("toxic").run()
    assert model.calls > calls  # new label, new swaps
    calls = model.calls
    at.switch_page("pages/score.py").run()
    at.switch_page("pages/bias.py").run()
    assert model.calls == calls  # the templated test (and everything else) is cached per model version


def test_counterfactual_panel_for_a_chosen_post(bias_page: AppTest) -> None:
    at = bias_page
    gap = frame(at, "mean_abs_change").set_index("group")
    assert gap["mean_abs_change"].idxmax() == "muslim" and gap.loc["muslim", "mean_abs_change"] > 0.2
    assert gap.loc["muslim", "mean_change"] < 0  # swapping 'muslim' out lowers the score: the group is penalised
    picker = by_label(at.selectbox, "Post (those that mention")
    sample = pd.read_csv(SAMPLE_POSTS, keep_default_na=False, dtype=str)
    assert at.code[0].value == sample["text"][picker.value]  # the chosen post, verbatim
    swaps = frame(at, "target_term")
    assert abs(swaps["change"].iloc[0]) == pytest.approx(BIAS, abs=1e-6)  # starts at a post that changed most
    assert next(m.value for m in at.metric if m.label == "Largest change") == f"{swaps['change'].iloc[0]:+.3f}"

    groups = match_identities(sample["text"].tolist(), load_lexicon()).groups
    plain = ~sample["text"].str.lower().str.contains("|".join(TOXIC_WORDS))
    muslim = int(np.flatnonzero(groups["muslim"] & ~groups["women"] & plain)[0])
    picker.set_value(muslim).run()
    assert at.code[0].value == sample["text"][muslim]
    swaps = frame(at, "target_term")
    assert "muslim" not in set(swaps["target_group"]) and len(swaps) >= 28
    assert np.allclose(swaps["change"], -BIAS)  # every other group's term lowers the score
    assert next(m.value for m in at.metric if m.label == "Largest change") == f"-{BIAS:.3f}"

    women = int(np.flatnonzero(groups["women"] & ~groups["muslim"] & plain)[0])
    picker.set_value(women).run()
    assert at.code[0].value == sample["text"][women]
    swaps = frame(at, "target_term")
    boosted = swaps["target_term"].str.contains("muslim")
    assert boosted.any() and (swaps["target_group"][boosted] == "muslim").all()
    assert np.allclose(swaps["change"][boosted], BIAS) and np.allclose(swaps["change"][~boosted], 0.0)
    assert next(m.value for m in at.metric if m.label == "Largest change") == f"+{BIAS:.3f}"
    assert any("swapped for" in c and "(muslim)" in c for c in captions(at))


def test_swap_panel_starts_at_the_post_opened_on_the_score_page(app: AppTest) -> None:
    app.switch_page("pages/score.py").run()
    next(b for b in app.button if b.label == "Use sample posts").click()
    app.run()
    pick_rows(app, 52)
    app.run()
    assert app.session_state[session.SELECTED_ROW] == 52
    app.switch_page("pages/bias.py").run()
    assert not app.exception
    assert by_label(app.selectbox, "Post (those that mention").value == 52
    sample = pd.read_csv(SAMPLE_POSTS, keep_default_na=False, dtype=str)
    assert app.code[0].value == sample["text"][52]


# -- hostile input ----------------------------------------------------------------------------------
HOSTILE = [
    '<img src=x onerror="window.__pwned=1"> muslims',
    "**bold** and [a link](http://evil.example) :red[red] women",
    '=HYPERLINK("http://evil.example","click") gay people',
]


def test_hostile_text_in_the_matched_terms_table_stays_text(app: AppTest) -> None:
    data = pd.DataFrame({"text": HOSTILE, "toxic": [1, 0, 0]}).to_csv(index=False).encode()
    at = upload(app.switch_page("pages/bias.py").run(), "hostile.csv", data)
    terms = frame(at, "identity_terms")
    shown_posts = redact_texts(HOSTILE).texts  # as written, but for the link (personal data is hidden)
    assert terms["text"].tolist() == shown_posts and shown_posts[1].count("(<URL>)") == 1
    assert terms["identity_terms"].tolist() == ["muslims (muslim)", "women (women)", "gay people (gay)"]
    for shown in markdown_texts(at):
        for payload in [*HOSTILE, *shown_posts]:
            assert payload not in shown
    assert at.code[0].value in shown_posts  # the chosen post, unparsed
    assert frame(at, "target_term")["text"].str.contains("onerror|\\*\\*bold|HYPERLINK").all()


def test_hostile_identity_column_names_are_escaped(app: AppTest) -> None:
    name, small = "<b>x</b> **y** [l](http://e.x)", "**t** :red[r]"
    data = labelled_file().rename(columns={"female": name, "tiny": small})
    at = upload(app.switch_page("pages/bias.py").run(), "names.csv", data.to_csv(index=False).encode())
    at = use_columns(at, [name, small, "muslim"])
    assert group_table(at).index.tolist() == [name, small, "muslim", OVERALL]  # the table shows them as they are
    x = chart_specs(at)[bias_charts.chart_key("auc")]["data"][0]["x"]
    assert x[0] == "&lt;b&gt;x&lt;/b&gt; **y** [l](http://e.x)"  # plotly shows entities literally
    assert any(small in c for c in captions(at))  # 'left out of the charts', readable once escaped
    for shown in markdown_texts(at):
        assert name not in shown and small not in shown


def test_a_scoring_failure_is_shown_again_not_retried_on_every_click(
    app: AppTest, model: BiasedModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    scored = model.predict_proba
    attempts: list[int] = []

    def failing(texts: Sequence[str]) -> np.ndarray:
        if any("explode" in str(t) for t in texts):
            attempts.append(len(texts))
            raise RuntimeError("the model broke")
        return scored(texts)

    monkeypatch.setattr(model, "predict_proba", failing)
    data = pd.DataFrame({"text": ["please explode", "women posted"]}).to_csv(index=False).encode()
    at = upload(app.switch_page("pages/bias.py").run(), "broken.csv", data)
    assert any("Scoring failed" in e for e in safe_text_errors(at)) and len(attempts) == 1
    at.run()  # any other click: the failure is shown again, the file is not scored again
    assert any("Scoring failed" in e for e in safe_text_errors(at)) and len(attempts) == 1
    at.button(key=bias_data.RETRY).click().run()
    assert len(attempts) == 2


def safe_text_errors(at: AppTest) -> list[str]:
    return [safe_text.visible_text(e.value) for e in at.error]
