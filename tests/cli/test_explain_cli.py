"""``python -m core explain``: both forms, their output, and user errors, on a fake model."""

from __future__ import annotations

import argparse
import io
import json
import re

import numpy as np
import pandas as pd
import pytest

from core.cli import explain as explain_cli
from core.errors import ModLensError

LABELS = ["toxic", "hate"]
WEIGHTS = {"idiot": 0.4, "stupid": 0.25, "hate": 0.1}


def additive_model(texts: list[str]) -> np.ndarray:
    """Fake model, additive in probability: each word adds its weight."""
    out = []
    for text in texts:
        words = re.findall(r"\w+", text.lower())
        out.append([0.1 + sum(WEIGHTS.get(w, 0.0) for w in words), 0.05 + 0.3 * words.count("hate")])
    return np.array(out)


class FakeClassifier:
    """Stands in for ``ToxicityClassifier``: labels, thresholds and ``predict_proba``."""

    def __init__(self) -> None:
        self.labels_ = list(LABELS)
        self.thresholds_ = {"toxic": 0.5, "hate": 0.5}

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return additive_model(list(texts))


def test_text_report_has_score_base_and_token_spans() -> None:
    report = explain_cli.text_report("You idiot!", additive_model, LABELS)
    assert [entry["label"] for entry in report["labels"]] == LABELS
    toxic = report["labels"][0]
    assert toxic["score"] == pytest.approx(0.5) and toxic["base_value"] == pytest.approx(0.1)
    assert toxic["tokens"] == [
        {"token": "You", "start": 0, "end": 3, "value": pytest.approx(0.0)},
        {"token": "idiot", "start": 4, "end": 9, "value": pytest.approx(0.4)},
    ]
    json.dumps(report)  # JSON-ready
    only_hate = explain_cli.text_report("hate", additive_model, LABELS, label="hate")
    assert [entry["label"] for entry in only_hate["labels"]] == ["hate"]


def test_format_text_report_is_a_readable_terminal_safe_table() -> None:
    report = explain_cli.text_report("idiot \x1b[31mred", additive_model, LABELS, label="toxic")
    text = explain_cli.format_text_report(report)
    lines = text.splitlines()
    assert lines[0] == "toxic: score 0.5000, base value 0.1000"
    assert lines[2].split() == ["0", "5", "+0.4000", "idiot"]
    assert "\x1b" not in text and "\\x1b[31mred" in text
    empty = explain_cli.format_text_report(explain_cli.text_report("", additive_model, LABELS, label="toxic"))
    assert "(no words to explain)" in empty


def test_explain_rows_table_for_all_labels_with_limit() -> None:
    texts = ["idiot", "", "stupid hate", "not reached"]
    table = explain_cli.explain_rows(texts, additive_model, LABELS, limit=3)
    assert list(table.columns) == ["row", "label", "token", "start", "end", "value"]
    assert set(table["row"]) == {0, 2}
    assert table[table["row"] == 2][["label", "token"]].values.tolist() == [
        ["toxic", "stupid"],
        ["toxic", "hate"],
        ["hate", "stupid"],
        ["hate", "hate"],
    ]
    single = explain_cli.explain_rows(texts, additive_model, LABELS, label="hate")
    assert set(single["label"]) == {"hate"} and set(single["row"]) == {0, 2, 3}


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m core")
    explain_cli.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["explain", *argv])


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.cli import common

    monkeypatch.setattr(common, "load_model_from_args", lambda args: FakeClassifier())


def test_run_text_form_prints_table_or_json(fake_model: None, capsys: pytest.CaptureFixture[str]) -> None:
    args = _parse(["--text", "stupid idiot", "--label", "toxic"])
    assert args.func is explain_cli.run
    assert explain_cli.run(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("toxic: score 0.7500, base value 0.1000")
    assert "hate" not in out
    assert explain_cli.run(_parse(["--text", "stupid idiot", "--json"])) == 0
    report = json.loads(capsys.readouterr().out)
    assert [entry["label"] for entry in report["labels"]] == LABELS
    assert [t["token"] for t in report["labels"][0]["tokens"]] == ["stupid", "idiot"]


def test_run_file_form_writes_the_tidy_table(fake_model: None, tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "posts.csv"
    pd.DataFrame({"id": [1, 2, 3], "body": ["you idiot", "nice", "hate it"]}).to_csv(source, index=False)
    output = tmp_path / "tokens.csv"
    args = _parse([str(source), "--text-col", "body", "--limit", "2", "-o", str(output)])
    assert explain_cli.run(args) == 0
    captured = capsys.readouterr()
    assert "Wrote 6 token rows for 2 posts" in captured.out
    assert "Explained 2/2 posts" in captured.err
    table = pd.read_csv(output)
    assert list(table.columns) == ["row", "label", "token", "start", "end", "value"]
    assert table[table["label"] == "toxic"][["row", "token", "start", "end"]].values.tolist() == [
        [0, "you", 0, 3],
        [0, "idiot", 4, 9],
        [1, "nice", 0, 4],
    ]
    assert table[(table["token"] == "idiot") & (table["label"] == "toxic")]["value"].iloc[0] == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "either --text TEXT or an INPUT"),
        (["in.csv", "--text", "x"], "either --text TEXT or an INPUT"),
        (["in.csv"], "-o OUTPUT"),
        (["--text", "x", "-o", "out.csv"], "with --text the result is printed"),
        (["in.csv", "-o", "out.csv", "--json"], "--json only applies with --text"),
        (["in.csv", "-o", "out.csv", "--limit", "0"], "--limit must be at least 1"),
        (["--text", "x", "--max-evals", "5"], "max_evals must be a whole number from 10"),
        (["--text", "x", "--limit", "3"], "--limit is for an INPUT file"),
        (["--text", "x", "--text-col", "body"], "--text-col is for an INPUT file"),
        (["in.csv", "-o", "out.xlsx"], "use an output ending in .csv, .parquet, .jsonl"),
        (["in.csv", "-o", "no/such/dir/out.csv"], "Folder 'no/such/dir' does not exist"),
    ],
)
def test_run_rejects_meaningless_arguments(fake_model: None, argv: list[str], message: str) -> None:
    with pytest.raises(ModLensError, match=re.escape(message)):
        explain_cli.run(_parse(argv))


def test_unknown_label_through_main_is_one_line_and_exit_2(fake_model: None) -> None:
    from core import cli

    parser = cli.build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    if "explain" not in commands:
        pytest.skip("core.cli does not register the explain subcommand yet")
    err = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stderr", err)
        code = cli.main(["explain", "--text", "you idiot", "--label", "spam"])
    assert code == 2
    assert err.getvalue().count("\n") == 1 and "spam" in err.getvalue()


def test_posts_with_more_words_than_are_explained_say_so() -> None:
    from core.explain.config import ExplainConfig

    config = ExplainConfig(max_tokens=2)
    report = explain_cli.text_report("you stupid idiot", additive_model, LABELS, config=config)
    assert [len(entry["tokens"]) for entry in report["labels"]] == [2, 2]
    assert report["notes"] == [
        "Post 0 has 3 words; only its first 2 got an attribution (the words after them stay in the post and "
        "count for its score)."
    ]
    notes: list[str] = []
    explain_cli.explain_rows(["you stupid idiot", "you idiot"], additive_model, LABELS, config=config, notes=notes)
    assert len(notes) == 1 and notes[0].startswith("Post 0 has 3 words")  # once per post, not per label
    assert explain_cli.text_report("you idiot", additive_model, LABELS, config=config)["notes"] == []
