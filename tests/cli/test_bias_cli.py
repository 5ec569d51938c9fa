"""``python -m core bias``: report logic with a fake score function, and the subcommand."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

import core.cli.common
from core.bias.config import BiasConfig
from core.cli import bias as bias_cli
from core.errors import ModLensError

POSTS = pd.DataFrame(
    {
        "text": [
            "Muslims are awful",
            "muslims cooked dinner",
            "women are awful",
            "my muslim friend",
            "women rule",
            "the weather is nice",
            "awful weather",
            "a woman and a muslim",
            "you are awful",
            "lovely day",
        ],
        "toxic": [1, 0, 1, 0, 0, 0, 0, 0, 1, 0],
        "hate": [1, 0, 1, 0, 0, 0, 0, 0, 0, 0],
        "female": ["0", "0", "0.8", "0", "1", "", "0", "0.5", "0", "0"],
        "muslim": [1, 1, 0, 1, 0, 0, 0, 1, 0, 0],
        "quiet": [0, 0, 0, 0, 0, 1, 0, 0, 0, 1],  # negatives only
    }
)


def fake_scores(texts: list[str]) -> np.ndarray:
    return np.array([0.2 + 0.6 * ("awful" in t) + 0.1 * ("muslim" in t.lower()) for t in texts])


class FakeModel:
    """Stands in for ToxicityClassifier: labels, thresholds, predict_proba."""

    def __init__(self) -> None:
        self.labels_ = ["toxic", "hate"]
        self.thresholds_ = {"toxic": 0.5, "hate": 0.85}

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        s = fake_scores(texts)
        return np.column_stack([s, s / 2 + 0.45])


@pytest.fixture
def posts_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "posts.csv"
    POSTS.to_csv(path, index=False)
    monkeypatch.setattr(core.cli.common, "load_model_from_args", lambda args: FakeModel())
    return path


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    bias_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code = args.func(args)
    return code, capsys.readouterr().out


def test_parse_group_cols() -> None:
    assert bias_cli.parse_group_cols(" a, b,,a ") == ["a", "b"]
    assert bias_cli.parse_group_cols(None) is None
    assert bias_cli.parse_group_cols(" , ") is None


def test_report_from_loaded_data() -> None:
    groups = bias_cli.identity_groups(POSTS, POSTS["text"].tolist(), ["female", "muslim", "quiet"])
    config = BiasConfig(n_bootstrap=0, min_group_size=1)
    table = bias_cli.bias_report(POSTS["toxic"], POSTS["text"].tolist(), fake_scores, groups, config)
    doc = bias_cli.report_json(table, config)
    assert list(doc) == ["overall_auc", "final_bias_metric", "groups"]
    assert doc["overall_auc"] == pytest.approx(roc_auc_score(POSTS["toxic"], fake_scores(POSTS["text"].tolist())))
    female, muslim, quiet = doc["groups"]
    assert list(female) == ["group", "n", "subgroup_auc", "bpsn_auc", "bnsp_auc", "fpr", "fnr"]
    assert (female["group"], female["n"], muslim["n"]) == ("female", 3, 4)
    assert female["subgroup_auc"] == pytest.approx(1.0)
    assert quiet["subgroup_auc"] is None and quiet["fnr"] is None and quiet["fpr"] == 0.0
    assert isinstance(doc["final_bias_metric"], float)
    json.dumps(doc, allow_nan=False)  # NaN became null
    text = bias_cli.report_text(table, config, label="toxic")
    assert text.startswith("toxic: 10 posts, threshold 0.500, overall AUC")
    assert "quiet: no positive posts" in text


def test_json_subcommand(posts_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["bias", str(posts_file), "--label-col", "toxic", "--group-cols", "female,muslim,quiet"]
    code, out = run_cli([*argv, "--min-group-size", "1", "--json"], capsys)
    assert code == 0
    doc = json.loads(out)
    assert [g["group"] for g in doc["groups"]] == ["female", "muslim", "quiet"]
    assert doc["groups"][2]["bnsp_auc"] is None
    assert doc["overall_auc"] == pytest.approx(roc_auc_score(POSTS["toxic"], fake_scores(POSTS["text"].tolist())))


def test_text_subcommand_with_lexicon(posts_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lexicon = pd.DataFrame(
        {
            "group": ["muslim", "women"],
            "category": ["r", "g"],
            "term": ["muslim", "woman"],
            "plural": ["muslims", "women"],
        }
    )
    from core.bias.lexicon import Lexicon

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bias_cli, "load_lexicon", lambda: Lexicon.from_frame(lexicon))
        code, out = run_cli(
            ["bias", str(posts_file), "--label-col", "toxic", "--min-group-size", "1", "--bootstrap", "30"],
            capsys,
        )
    assert code == 0
    assert "overall AUC" in out and "95% bootstrap intervals" in out
    rows = {parts[0]: parts for parts in map(str.split, out.splitlines()) if parts}
    assert rows["muslim"][1] == "4" and rows["women"][1] == "3"


def test_label_col_picks_the_model_label_and_threshold(posts_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["bias", str(posts_file), "--label-col", "hate", "--group-cols", "muslim", "--min-group-size", "1"]
    code, out = run_cli([*argv, "--bootstrap", "0"], capsys)
    assert code == 0 and out.startswith("hate: 10 posts, threshold 0.850")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--group-cols", "nope"],
            "Column 'nope' not found. Columns are: text, toxic, hate, female, muslim, quiet. "
            "Choose identity columns with --group-cols.",
        ),
        (["--group-cols", "text"], "'text' is not an identity column"),
        (["--group-cols", "muslim", "--threshold", "2"], "--threshold must be between 0 and 1"),
        (["--group-cols", "muslim", "--label", "spam"], "Label 'spam' is not a model label"),
    ],
)
def test_user_errors_raise_modlens_error(
    posts_file: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    with pytest.raises(ModLensError) as err:
        run_cli(["bias", str(posts_file), "--label-col", "toxic", *extra], capsys)
    assert message in str(err.value)


def test_main_entry_point(posts_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.cli import main

    try:
        code = main(["bias", str(posts_file), "--label-col", "toxic", "--group-cols", "nope"])
    except SystemExit:  # argparse: invalid choice 'bias'
        pytest.skip("core.cli does not register the bias subcommand yet")
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: Column 'nope' not found.") and err.count("\n") == 1
    code = main(["bias", str(posts_file), "--label-col", "toxic", "--group-cols", "muslim", "--json"])
    assert code == 0 and math.isfinite(json.loads(capsys.readouterr().out)["overall_auc"])
