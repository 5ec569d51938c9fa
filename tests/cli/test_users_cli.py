from __future__ import annotations

import io
import json

import pytest

from core.cli import main


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_add_list_disable_enable_and_set_role(url, cli) -> None:
    assert cli(["users", "add", "boss", "--role", "admin", "--database", url], "pw-boss-1\npw-boss-1\n") == (
        0,
        "added boss (admin)\n",
        "",
    )
    cli(["users", "add", "rev", "--role", "reviewer", "--database", url], "pw-rev-12\npw-rev-12\n")
    assert cli(["users", "set-role", "rev", "analyst", "--database", url])[1] == "rev is now analyst\n"
    assert cli(["users", "disable", "rev", "--database", url])[1] == "rev is disabled\n"
    listed = {u["name"]: u for u in json.loads(cli(["users", "list", "--json", "--database", url])[1])}
    assert listed["rev"]["role"] == "analyst" and listed["rev"]["active"] is False and listed["boss"]["has_password"]
    assert cli(["users", "enable", "rev", "--database", url])[1] == "rev is enabled\n"
    code, out, _ = cli(["users", "list", "--database", url])
    assert code == 0 and out.splitlines()[1].startswith("rev ") and "disabled" not in out


def test_password_from_stdin_must_be_two_equal_lines(url, cli) -> None:
    code, _, err = cli(["users", "add", "boss", "--role", "admin", "--database", url], "pw-one-11\npw-two-22\n")
    assert code == 2 and err == "error: The two passwords differ. Type the same password twice.\n"
    code, _, err = cli(["users", "add", "boss", "--role", "admin", "--database", url], "short\nshort\n")
    assert code == 2 and err.startswith("error: The password is too short") and err.count("\n") == 1


def test_password_prompt_on_a_terminal(url, monkeypatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    prompts = iter(["typed-secret", "typed-secret"])
    monkeypatch.setattr("sys.stdin", Terminal(""))
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(prompts))
    assert main(["users", "add", "boss", "--role", "admin", "--database", url]) == 0
    from core.store.connect import open_database
    from core.store.users import authenticate

    assert authenticate(open_database(url), "boss", "typed-secret").name == "boss"


def test_the_password_is_never_an_argument(url, cli) -> None:
    code, _, err = cli(["users", "add", "boss", "--role", "admin", "--password", "x", "--database", url])
    assert code == 2 and "unrecognized arguments: --password x" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["users", "set-role", "ghost", "admin"], "error: User 'ghost' does not exist. List the users with: "),
        (["users", "add", "x", "--role", "king"], "error: argument --role: invalid choice: 'king'"),
        (["users", "add", "rev", "--role", "reviewer"], "error: The first account must be an admin"),
        (["users", "disable"], "error: the following arguments are required: name"),
        (["users", "list", "--database", "mysql://x/y"], "error: Database 'mysql' is not supported."),
    ],
)
def test_errors_are_one_line_with_exit_code_2(url, cli, argv: list[str], message: str) -> None:
    if "--database" not in argv:
        argv = [*argv, "--database", url]
    code, out, err = cli(argv, "pw-rev-12\npw-rev-12\n")
    assert code == 2 and err.startswith(message) and err.count("\n") == 1 and out == ""
