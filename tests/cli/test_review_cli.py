from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.ui.fake_model import KeywordModel

ROOT = Path(__file__).resolve().parents[2]
EXPORT_COLUMNS = [
    "item_id",
    "id",
    "text",
    "score_toxic",
    "score_hate",
    "status",
    "action",
    "reason",
    "note",
    "reviewer",
    "decided_at",
    "model_version",
]


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'review.db'}"


@pytest.fixture
def fake_model(monkeypatch) -> KeywordModel:
    """The review CLI scores with the keyword model (0.55 per keyword, thresholds 0.5)."""
    import core.cli.common

    model = KeywordModel()
    monkeypatch.setattr(core.cli.common, "load_model_from_args", lambda args: model)
    return model


@pytest.fixture
def posts(tmp_path) -> Path:
    path = tmp_path / "posts.csv"
    pd.DataFrame(
        {
            "post_id": ["a", "b", "c", "d", "e"],
            "user": ["ann", "bob", "ann", "cid", "bob"],
            "body": ["you idiot", "=SUM(A1)", "stupid moron", "hello friend", "I hate you idiot"],
        }
    ).to_csv(path, index=False)
    return path


def _import(cli, posts: Path, url: str, *extra: str) -> tuple[int, str, str]:
    return cli(["review", "import", str(posts), "--queue", "q", "--author-col", "user", "--database", url, *extra])


def test_import_scores_and_queues_the_flagged_posts(cli, posts, url, fake_model) -> None:
    code, out, err = _import(cli, posts, url)
    assert code == 0, err
    assert out.startswith("queue 'q': 3 of 5 posts (flagged: score_toxic >= 0.500 or score_hate >= 0.500); batch 1")
    stats = json.loads(cli(["review", "stats", "--queue", "q", "--json", "--database", url])[1])
    assert {k: stats[k] for k in ("queue", "total", "pending", "decided")} == {
        "queue": "q",
        "total": 3,
        "pending": 3,
        "decided": 0,
    }
    assert stats["by_action"] == {"approve": 0, "remove": 0, "escalate": 0, "skip": 0}
    assert fake_model.calls >= 1


def test_import_all_with_row_numbers_when_the_file_has_no_id(cli, tmp_path, url, fake_model) -> None:
    path = tmp_path / "plain.csv"
    pd.DataFrame({"text": ["x idiot", "y", "z"]}).to_csv(path, index=False)
    code, out, _ = cli(["review", "import", str(path), "--queue", "all", "--rule", "all", "--database", url])
    assert code == 0 and "3 of 3 posts (all posts)" in out
    code, out, _ = cli(
        ["review", "decide", "--queue", "all", "--as", "x", "--action", "skip", "--item", "2", "--database", url]
    )
    assert code == 2  # user x does not exist ...
    cli(["users", "add", "boss", "--role", "admin", "--database", url], "boss-pass-1\nboss-pass-1\n")
    code, out, _ = cli(
        ["review", "decide", "--queue", "all", "--as", "boss", "--action", "skip", "--item", "2", "--database", url]
    )
    assert (code, out) == (0, "post 2: skip by boss (now pending)\n")


def test_decide_one_post_and_in_bulk_then_export(cli, posts, url, fake_model, tmp_path) -> None:
    _import(cli, posts, url, "--rule", "all", "--id-col", "post_id")
    cli(["users", "add", "boss", "--role", "admin", "--database", url], "boss-pass-1\nboss-pass-1\n")
    cli(["users", "add", "rev", "--role", "reviewer", "--database", url], "rev-pass-12\nrev-pass-12\n")
    base = ["review", "decide", "--queue", "q", "--as", "rev", "--database", url]
    code, out, _ = cli([*base, "--action", "remove", "--item", "e", "--reason", "hate", "--note=-slur"])
    assert (code, out) == (0, "post e: remove by rev (now decided)\n")
    code, out, _ = cli([*base, "--action", "approve", "--max-score", "toxic=0.2"])
    assert (code, out) == (0, "2 posts: approve by rule 'score_toxic <= 0.2'\n")  # b and d
    code, out, _ = cli([*base, "--action", "escalate", "--min-score", "toxic=0.5", "--reason", "needs_context"])
    assert (code, out) == (0, "2 posts: escalate by rule 'score_toxic >= 0.5'\n")  # a and c (e is decided)
    stats = json.loads(cli(["review", "stats", "--queue", "q", "--json", "--database", url])[1])
    assert (stats["pending"], stats["decided"]) == (0, 5)
    assert stats["by_action"] == {"approve": 2, "remove": 1, "escalate": 2, "skip": 0}

    code, out, _ = cli(["review", "export", "--queue", "q", "-o", str(tmp_path / "out.csv"), "--database", url])
    assert code == 0 and out == f"wrote {tmp_path / 'out.csv'}\n"
    table = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == EXPORT_COLUMNS
    assert table["id"].tolist() == ["a", "b", "c", "d", "e"]
    assert table.loc[1, "text"] == "'=SUM(A1)" and table.loc[4, "note"] == "'-slur"
    assert table["action"].tolist() == ["escalate", "approve", "escalate", "approve", "remove"]
    assert set(table["reviewer"]) == {"rev"} and table.loc[0, "model_version"].startswith("v0 ")
    cli(["review", "export", "--queue", "q", "-o", str(tmp_path / "out.parquet"), "--database", url])
    assert pd.read_parquet(tmp_path / "out.parquet")["text"].iloc[1] == "=SUM(A1)"


def test_export_lists_undecided_posts_with_an_empty_action(cli, posts, url, fake_model, tmp_path) -> None:
    _import(cli, posts, url)
    cli(["review", "export", "--queue", "q", "-o", str(tmp_path / "o.csv"), "--database", url])
    table = pd.read_csv(tmp_path / "o.csv", dtype=str, keep_default_na=False)
    assert table["action"].tolist() == ["", "", ""] and table["status"].tolist() == ["pending"] * 3


def test_stats_text(cli, posts, url, fake_model) -> None:
    _import(cli, posts, url)
    code, out, _ = cli(["review", "stats", "--queue", "q", "--database", url])
    assert code == 0 and "3 posts: 3 pending (0 being reviewed), 0 done" in out


def test_accounts_make_as_required_for_recorded_actions(cli, posts, url, fake_model) -> None:
    cli(["users", "add", "boss", "--role", "admin", "--database", url], "boss-pass-1\nboss-pass-1\n")
    cli(["users", "add", "ana", "--role", "analyst", "--database", url], "ana-pass-12\nana-pass-12\n")
    code, _, err = _import(cli, posts, url)
    assert code == 2 and err == "error: Accounts exist, so say who does this: add --as USER.\n"
    assert _import(cli, posts, url, "--as", "ana")[0] == 0
    assert cli(["review", "stats", "--queue", "q", "--json", "--database", url])[0] == 0  # reading needs no --as
    code, _, err = cli(
        ["review", "decide", "--queue", "q", "--as", "ana", "--action", "remove", "--item", "a", "--database", url]
    )
    assert code == 2 and err.startswith("error: ana is an analyst; claiming and deciding posts needs the reviewer")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["review", "stats", "--queue", "nope"], "error: Queue 'nope' does not exist. Queues: q."),
        (["review", "import", "missing.csv", "--queue", "q2"], "error: File 'missing.csv' does not exist."),
        (["review", "import", "{posts}", "--queue", "q"], "error: Queue 'q' exists already. Choose another name."),
        (
            ["review", "import", "{posts}", "--queue", "q2", "--id-col", "nope"],
            "error: --id-col 'nope' is not a column",
        ),
        (["review", "import", "{posts}", "--queue", "q2", "--rule", "some"], "error: argument --rule: invalid choice"),
        (
            ["review", "decide", "--queue", "q", "--as", "local-admin", "--action", "remove", "--item", "a"],
            "error: User 'local-admin' does not exist",
        ),
        (
            [
                "review",
                "decide",
                "--queue",
                "q",
                "--as",
                "u",
                "--action",
                "remove",
                "--item",
                "a",
                "--max-score",
                "toxic=1",
            ],
            "error: argument --max-score: not allowed with argument --item",
        ),
        (
            ["review", "decide", "--queue", "q", "--as", "u", "--action", "remove"],
            "error: one of the arguments --item --max-score --min-score is required",
        ),
        (
            ["review", "export", "--queue", "q", "-o", "out.xlsx"],
            "error: Cannot write 'out.xlsx': use a file name ending in .csv or .parquet.",
        ),
        (["review", "export", "--queue", "q"], "error: the following arguments are required: -o/--output"),
    ],
)
def test_errors_are_one_line_with_exit_code_2(cli, posts, url, fake_model, argv: list[str], message: str) -> None:
    assert _import(cli, posts, url)[0] == 0
    code, _, err = cli([a.replace("{posts}", str(posts)) for a in argv] + ["--database", url])
    assert code == 2 and err.startswith(message) and err.count("\n") == 1, err


@pytest.mark.parametrize(
    ("bound", "message"),
    [
        ("toxic", "--max-score 'toxic' must be LABEL=VALUE"),
        ("toxic=high", "--max-score 'toxic=high' must be LABEL=VALUE"),
        ("toxic=2", "Score bounds must be between 0 and 1"),
        ("spam=0.1", "Label 'spam' is not a label of this queue"),
    ],
)
def test_bad_score_bounds(cli, posts, url, fake_model, bound: str, message: str) -> None:
    _import(cli, posts, url)
    cli(["users", "add", "boss", "--role", "admin", "--database", url], "boss-pass-1\nboss-pass-1\n")
    code, _, err = cli(
        [
            "review",
            "decide",
            "--queue",
            "q",
            "--as",
            "boss",
            "--action",
            "approve",
            "--max-score",
            bound,
            "--database",
            url,
        ]
    )
    assert code == 2 and message in err and err.count("\n") == 1


def test_the_same_commands_on_postgresql(cli, posts, fake_model, pg_cluster) -> None:
    from tests.postgres import fresh_database

    with fresh_database(pg_cluster) as url:
        try:
            assert _import(cli, posts, url, "--rule", "all")[0] == 0
            cli(["users", "add", "boss", "--role", "admin", "--database", url], "boss-pass-1\nboss-pass-1\n")
            code, out, _ = cli(
                [
                    "review",
                    "decide",
                    "--queue",
                    "q",
                    "--as",
                    "boss",
                    "--action",
                    "approve",
                    "--max-score",
                    "toxic=0.2",
                    "--database",
                    url,
                ]
            )
            assert (code, out) == (0, "2 posts: approve by rule 'score_toxic <= 0.2'\n")
            stats = json.loads(cli(["review", "stats", "--queue", "q", "--json", "--database", url])[1])
            assert (stats["total"], stats["decided"]) == (5, 2)
        finally:
            from core.store.connect import close_databases

            close_databases()


def test_reading_commands_start_without_tensorflow(posts, url, tmp_path) -> None:
    code = (
        "import sys\n"
        "from core.cli import main\n"
        f"assert main(['users', 'list', '--database', {url!r}]) == 0\n"
        f"assert main(['review', 'stats', '--queue', 'none', '--database', {url!r}]) == 2\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TensorFlow was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_import_with_a_real_model(cli, posts, url, tiny_model_dir) -> None:
    code, _, err = _import(cli, posts, url, "--model", str(tiny_model_dir), "--rule", "all")
    assert code == 0, err
    table = json.loads(cli(["review", "stats", "--queue", "q", "--json", "--database", url])[1])
    assert table["total"] == 5
    from core.store.connect import open_database
    from core.store.exports import decisions_frame
    from core.store.roles import demo_actor

    frame = decisions_frame(open_database(url), demo_actor(), "q")
    assert frame["score_toxic"].between(0, 1).all()
    assert frame["model_version"].iloc[0].startswith("tiny-test-model (")


def test_a_bulk_skip_keeps_the_reviewers_own_decisions(cli, posts, url, fake_model) -> None:
    _import(cli, posts, url, "--rule", "all", "--id-col", "post_id")
    cli(["users", "add", "boss", "--role", "admin", "--database", url], "boss-pass-1\nboss-pass-1\n")
    base = ["review", "decide", "--queue", "q", "--as", "boss", "--database", url]
    assert cli([*base, "--action", "remove", "--item", "a"])[0] == 0
    code, _out, err = cli([*base, "--action", "skip", "--max-score", "toxic=1"])
    assert (code, err) == (0, "")
    stats = json.loads(cli(["review", "stats", "--queue", "q", "--json", "--database", url])[1])
    assert stats["by_action"]["remove"] == 1 and stats["by_action"]["skip"] >= 1


def test_decide_runs_as_the_demo_admin_until_accounts_exist(cli, posts, url, fake_model) -> None:
    _import(cli, posts, url, "--rule", "all", "--id-col", "post_id")  # no account yet: the demo admin imports
    base = ["review", "decide", "--queue", "q", "--database", url]
    code, out, err = cli([*base, "--action", "remove", "--item", "a"])
    assert (code, out, err) == (0, "post a: remove by local-admin (now decided)\n", "")
    cli(["users", "add", "boss", "--role", "admin", "--database", url], "boss-pass-1\nboss-pass-1\n")
    code, out, err = cli([*base, "--action", "approve", "--item", "b"])
    assert (code, out) == (2, "") and err == "error: Accounts exist, so say who does this: add --as USER.\n"
    stats = json.loads(cli(["review", "stats", "--queue", "q", "--json", "--database", url])[1])
    assert stats["by_action"] == {"approve": 0, "remove": 1, "escalate": 0, "skip": 0}


def test_import_finds_the_author_column_and_names_posts_by_row_when_ids_repeat(cli, tmp_path, url, fake_model) -> None:
    from core.store.db import Database
    from core.store.roles import operator_actor
    from core.store.stats import author_counts

    path = tmp_path / "repeats.csv"
    frame = pd.DataFrame({"id": ["a", "a", "b"], "user": ["ann", "ann", "bob"], "text": ["you idiot", "hi", "yo"]})
    frame.to_csv(path, index=False)
    code, _, err = cli(["review", "import", str(path), "--queue", "r", "--rule", "all", "--database", url])
    assert code == 0, err
    assert "note: Column 'id' repeats values" in err and "named by row number" in err
    db = Database(url)
    try:
        counts = author_counts(db, operator_actor(), "r").set_index("author")["posts"].to_dict()
    finally:
        db.close()
    assert counts == {"ann": 2, "bob": 1}  # 'user' found by name, as on the Score page
    cli(["users", "add", "boss", "--role", "admin", "--database", url], "boss-pass-1\nboss-pass-1\n")
    base = ["review", "decide", "--queue", "r", "--as", "boss", "--action", "skip", "--database", url]
    assert cli([*base, "--item", "2"])[0] == 0  # row 2, not the ambiguous 'a'


def test_import_refuses_an_id_column_that_cannot_name_every_post(cli, tmp_path, url, fake_model) -> None:
    path = tmp_path / "repeats.csv"
    pd.DataFrame({"post_id": ["a", "a"], "text": ["you idiot", "hi"]}).to_csv(path, index=False)
    code, out, err = cli(["review", "import", str(path), "--queue", "r", "--id-col", "post_id", "--database", url])
    assert code == 2 and out == ""
    assert err.startswith("error: --id-col: Column 'post_id' repeats values") and err.count("\n") == 1
