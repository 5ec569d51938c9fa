"""The one-line help of ``models`` and ``users`` names every action they take."""

from __future__ import annotations

import argparse

import pytest

from core.cli import build_parser

WORDS = {"set-role": "roles", "set-password": "passwords", "list": "list"}


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", ["models", "users"])
def test_the_help_line_names_every_action(command: str) -> None:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    help_line = next(choice.help for choice in action._choices_actions if choice.dest == command)
    for name in _subcommands(_subcommands(parser)[command]):
        assert WORDS.get(name, name) in help_line, f"{command} help does not mention {name}: {help_line}"
