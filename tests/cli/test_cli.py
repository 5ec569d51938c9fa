from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.cli import main
from core.model.classifier import ToxicityClassifier

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def _posts(tmp_path: Path) -> Path:
    path = tmp_path / "posts.csv"
    pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "body": ["=cmd|' /C calc'!A0", "you are an idiot", "what a nice day", "@user stupid moron"],
            "gold": [0, 1, 0, 1],
        }
    ).to_csv(path, index=False)
    return path


def test_score_writes_inputs_then_scores_and_flags(tiny_model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "scored.csv"
    code = main(["score", str(_posts(tmp_path)), "-o", str(out), "--model", str(tiny_model_dir)])
    assert code == 0
    scored = pd.read_csv(out)
    assert list(scored.columns) == ["id", "body", "gold", "score_toxic", "flag_toxic", "score_hate", "flag_hate"]
    assert scored["body"].iloc[0] == "'=cmd|' /C calc'!A0"
    assert scored["body"].iloc[3] == "'@user stupid moron"
    clf = ToxicityClassifier.load(tiny_model_dir)
    expected = clf.predict_proba(["=cmd|' /C calc'!A0", "you are an idiot", "what a nice day", "@user stupid moron"])
    np.testing.assert_allclose(scored["score_toxic"], expected[:, 0], atol=1e-5)
    assert scored["flag_toxic"].tolist() == (scored["score_toxic"] >= clf.thresholds_["toxic"]).astype(int).tolist()


def test_score_raw_and_parquet_output(tiny_model_dir: Path, tmp_path: Path) -> None:
    posts = _posts(tmp_path)
    assert main(["score", str(posts), "-o", str(tmp_path / "raw.csv"), "--raw", "--model", str(tiny_model_dir)]) == 0
    assert pd.read_csv(tmp_path / "raw.csv")["body"].iloc[0] == "=cmd|' /C calc'!A0"
    assert main(["score", str(posts), "-o", str(tmp_path / "s.parquet"), "--model", str(tiny_model_dir)]) == 0
    assert pd.read_parquet(tmp_path / "s.parquet")["score_toxic"].between(0, 1).all()


def test_evaluate_json(tiny_model_dir: Path, tmp_path: Path, capsys) -> None:
    code = main(["evaluate", str(_posts(tmp_path)), "--label-col", "gold", "--model", str(tiny_model_dir), "--json"])
    assert code == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["n"] == 4 and metrics["positives"] == 2 and metrics["label"] == "toxic"
    assert {"roc_auc", "pr_auc", "precision", "recall", "f1"} <= set(metrics)


def test_evaluate_judges_the_model_label_named_like_the_label_column(
    tiny_model_dir: Path, tmp_path: Path, capsys
) -> None:
    posts = pd.read_csv(_posts(tmp_path)).rename(columns={"gold": "hate"})
    posts.to_csv(tmp_path / "hate.csv", index=False)
    model = ToxicityClassifier.load(tiny_model_dir)
    for extra, label in (((), "hate"), (("--label", "toxic"), "toxic")):
        command = ["evaluate", str(tmp_path / "hate.csv"), "--label-col", "hate", *extra]
        assert main([*command, "--model", str(tiny_model_dir), "--json"]) == 0
        metrics = json.loads(capsys.readouterr().out)
        assert metrics["label"] == label and metrics["threshold"] == pytest.approx(model.thresholds_[label])


def test_unknown_label_is_a_one_line_error(tiny_model_dir: Path, tmp_path: Path, capsys) -> None:
    code = main(
        ["evaluate", str(_posts(tmp_path)), "--label-col", "gold", "--label", "spam", "--model", str(tiny_model_dir)]
    )
    assert code == 2
    assert capsys.readouterr().err == "error: Label 'spam' is not a model label. Model labels are: toxic, hate.\n"


def test_train_on_a_user_file(tmp_path: Path) -> None:
    from tests.conftest import tiny_corpus

    texts, labels = tiny_corpus(240)
    data = tmp_path / "train.csv"
    pd.DataFrame({"text": texts, "toxic": labels[:, 0], "hate": labels[:, 1]}).to_csv(data, index=False)
    out = tmp_path / "model"
    code = main(
        [
            "train",
            "--data",
            str(data),
            "--out",
            str(out),
            "--epochs",
            "2",
            "--vocab-size",
            "200",
            "--embedding-dim",
            "8",
            "--lstm-units",
            "4",
            "--sequence-length",
            "16",
        ]
    )
    assert code == 0
    metadata = json.loads((out / "metadata.json").read_text())
    assert metadata["training_data"]["train"]["rows"] == 240
    assert metadata["config"]["epochs"] == 2
    assert "python -m core train" in metadata["command"]
    assert "## Evaluation on held-out test splits" in (out / "model_card.md").read_text()


def test_train_with_dataset_offsets_learns_one_offset_per_file_and_records_it(tmp_path: Path) -> None:
    from tests.conftest import tiny_corpus

    texts, labels = tiny_corpus(240)
    files = []
    for name, rows in (("forum", slice(0, 120)), ("news", slice(120, 240))):
        path = tmp_path / f"{name}.csv"
        pd.DataFrame({"text": texts[rows], "toxic": labels[rows, 0], "hate": labels[rows, 1]}).to_csv(path, index=False)
        files += ["--data", str(path)]
    out = tmp_path / "model"
    tiny = ["--epochs", "1", "--vocab-size", "200", "--embedding-dim", "8", "--lstm-units", "4"]
    assert main(["train", *files, "--out", str(out), *tiny, "--dataset-offsets"]) == 0
    metadata = json.loads((out / "metadata.json").read_text())
    assert metadata["recipe"]["dataset_offsets"] is True
    offsets = metadata["history"][0]["group_offsets"]
    assert set(offsets) == {"forum", "news"} and set(offsets["forum"]) == {"toxic", "hate"}
    assert "an offset per dataset to each label's logit" in (out / "model_card.md").read_text()


def test_real_process_exit_code_two_and_one_line_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "posts.csv"
    bad.write_text("id,body2\n1,hello\n")
    result = subprocess.run(
        [sys.executable, "-m", "core", "score", str(bad), "--model", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: Column 'text' not found. Columns are: id, body2. Choose the text column with --text-col.\n"
    )


def test_missing_model_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    code = main(["score", str(_posts(tmp_path)), "--model", str(tmp_path / "nowhere")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: No model at") and err.count("\n") == 1


def test_train_on_a_file_with_only_a_toxic_column_scores_toxic_only(tmp_path: Path, capsys) -> None:
    from tests.conftest import tiny_corpus

    texts, labels = tiny_corpus(240)
    data = tmp_path / "toxic_only.csv"
    pd.DataFrame({"text": texts, "toxic": labels[:, 0].astype(int)}).to_csv(data, index=False)
    out = tmp_path / "model"
    small = ["--epochs", "1", "--vocab-size", "200", "--embedding-dim", "8", "--lstm-units", "4"]
    code = main(["train", "--data", str(data), "--out", str(out), "--sequence-length", "16", *small])
    assert code == 0, capsys.readouterr().err
    metadata = json.loads((out / "metadata.json").read_text())
    assert metadata["labels"] == ["toxic"]
    assert set(metadata["thresholds"]) == {"toxic"}
    assert "scores toxic only" in capsys.readouterr().err


def test_train_rejects_bad_recipe_options(tmp_path: Path) -> None:
    """Bad --dataset-weight, --seeds, --obfuscate, --identity-swap and --identity-balance values fail with one line.

    The line says what to give instead.
    """

    def run(*extra: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "core", "train", "--public", "all", "--out", str(tmp_path / "m"), *extra]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    for extra, message in (
        (("--dataset-weight", "davidson"), "NAME=W"),
        (("--dataset-weight", "davidson=-1"), "NAME=W"),
        (("--seeds", "13,x"), "integers separated by commas"),
        (("--obfuscate", "1.5"), "--obfuscate must be"),
        (("--identity-swap", "1.5"), "--identity-swap must be"),
        (("--identity-balance", "1.2", "--identity-weight", "2"), "--identity-balance must be"),
        (("--identity-balance", "-3"), "--identity-balance must be"),
    ):
        result = run(*extra)
        assert result.returncode == 2, extra
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_train_refuses_a_weight_for_a_set_it_does_not_train_on(tmp_path: Path, capsys) -> None:
    from tests.conftest import tiny_corpus

    texts, labels = tiny_corpus(40)
    data = tmp_path / "posts.csv"
    pd.DataFrame({"text": texts, "toxic": labels[:, 0], "hate": labels[:, 1]}).to_csv(data, index=False)
    out = tmp_path / "model"
    code = main(["train", "--data", str(data), "--out", str(out), "--dataset-weight", "postz=2"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "postz, which this run does not train on. Use one of: posts." in err
    assert not out.exists()


@pytest.mark.parametrize("appendix", ["missing.md", "folder", "huge.md"])
def test_train_checks_the_card_appendix_before_training(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch, appendix: str
) -> None:
    import core.training.pipeline as pipeline

    (tmp_path / "folder").mkdir()
    (tmp_path / "huge.md").write_bytes(b"#" * (pipeline.MAX_APPENDIX_BYTES + 1))

    def never(*args, **kwargs):
        raise AssertionError("training data gathered before the appendix was checked")

    monkeypatch.setattr(pipeline, "gather", never)
    out = tmp_path / "model"
    code = main(
        ["train", "--data", str(_posts(tmp_path)), "--out", str(out), "--card-appendix", str(tmp_path / appendix)]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "card appendix" in err and not out.exists()
