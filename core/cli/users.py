"""``python -m core users add NAME --role ROLE | list [--json] | disable NAME | enable NAME | set-role NAME ROLE``.

The command line is the server's operator console: it acts as ``cli:<os user>``
(see :func:`core.store.roles.operator_actor`), which may manage users, and every
change is an audit event (disabling a disabled account, enabling an enabled one or giving
the role a user has says "already ...; nothing changed", records nothing and exits 0).
Passwords come from a prompt, or two equal lines on stdin; never from an argument (it
would end up in the shell history).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import TextIO

from core.cli.common import add_database_option
from core.errors import ModLensError

ROLES = ("analyst", "reviewer", "admin")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``users`` subcommand and its actions."""
    parser = subparsers.add_parser(
        "users", help="add, list, disable and enable accounts; set their roles and passwords"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="create an account (password from a prompt or two lines on stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--no-password", action="store_true", help="an account that signs in through OIDC only")
    listing = actions.add_parser("list", help="list the accounts")
    listing.add_argument("--json", action="store_true")
    for name, text in (("disable", "switch an account off (it is kept)"), ("enable", "switch an account on again")):
        action = actions.add_parser(name, help=text)
        action.add_argument("name")
    set_role = actions.add_parser("set-role", help="change a user's role")
    set_role.add_argument("name")
    set_role.add_argument("role", choices=ROLES)
    set_password = actions.add_parser("set-password", help="set a user's password (from a prompt or stdin)")
    set_password.add_argument("name")
    for action in actions.choices.values():
        add_database_option(action)
    parser.set_defaults(func=run)


def read_password(stdin: TextIO | None = None) -> str:
    """Ask twice on a terminal; otherwise read two equal lines from stdin."""
    stream = stdin or sys.stdin
    if stream.isatty():
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Repeat the password: ")
    else:
        first, second = stream.readline().rstrip("\r\n"), stream.readline().rstrip("\r\n")
    if first != second:
        raise ModLensError("The two passwords differ. Type the same password twice.")
    return first


def run(args: argparse.Namespace) -> int:
    """Carry out one user action as the operator."""
    from core.store import users
    from core.store.connect import open_database
    from core.store.roles import operator_actor

    db = open_database(args.database)
    actor = operator_actor()
    if args.action == "add":
        password = None if args.no_password else read_password()
        info = users.add_user(db, actor, args.name, args.role, password)
        print(f"added {info.name} ({info.role.value})")
    elif args.action == "list":
        listed = users.list_users(db, actor)
        if args.json:
            print(
                json.dumps(
                    [
                        {
                            "name": u.name,
                            "role": u.role.value,
                            "active": u.active,
                            "created_at": u.created_at.isoformat(),
                            "has_password": u.has_password,
                        }
                        for u in listed
                    ]
                )
            )
        else:
            for u in listed:
                state = "" if u.active else "  (disabled)"
                print(f"{u.name:<24} {u.role.value:<9} {u.created_at:%Y-%m-%d %H:%M}{state}")
    elif args.action in ("disable", "enable"):
        info = users.set_active(db, actor, args.name, args.action == "enable")
        state = "enabled" if info.active else "disabled"
        print(f"{info.name} is {state}" if info.changed else f"{info.name} is already {state}; nothing changed")
    elif args.action == "set-role":
        info = users.set_role(db, actor, args.name, args.role)
        print(
            f"{info.name} is now {info.role.value}"
            if info.changed
            else f"{info.name} is already {info.role.value}; nothing changed"
        )
    else:
        users.set_password(db, actor, args.name, read_password())
        print(f"password of {args.name} changed")
    return 0
