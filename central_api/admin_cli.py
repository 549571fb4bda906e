"""`agent-api users …` and `agent-api audit …`: what IT does with accounts, and who did what.

A fresh production server has no users: IT adds the first admin with
`agent-api users add NAME --role admin --password-stdin`. Passwords come on standard input
only (never as an argument, which every user of the machine can read in the process list).
Refusals are one sentence on stderr with exit code 1; a database that cannot be used is 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from agent_app.core.enums import Role

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# cli._migrated_session: a session on the database at a URL, its schema brought up to date.
SessionFor = Callable[[str], "AbstractContextManager[Session]"]
REFUSED = 1


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = commands.add_parser("users", help="accounts: add, passwd, disable, enable, list, "
                                              "revoke-sessions")
    actions = users.add_subparsers(dest="users_command", required=True)
    add = actions.add_parser("add", help="create an account (the password on standard input)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--unit", default=None, help="unit code (unit accounts only), e.g. "
                                                  "pds-csglj")
    add.add_argument("--display-name", default=None, help="shown in the app (default: NAME)")
    passwd = actions.add_parser("passwd", help="set a new password (on standard input); "
                                               "the user's sessions end")
    passwd.add_argument("name")
    for parser in (add, passwd):
        parser.add_argument("--password-stdin", action="store_true",
                            help="read the password from standard input (required)")
    disable = actions.add_parser("disable", help="refuse sign-in; the user's sessions end")
    disable.add_argument("name")
    enable = actions.add_parser("enable", help="allow a disabled account to sign in again")
    enable.add_argument("name")
    actions.add_parser("list", help="every account, one a line")
    revoke = actions.add_parser("revoke-sessions", help="sign the user out everywhere")
    revoke.add_argument("name")
    for parser in (add, passwd, disable, enable, revoke, actions.choices["list"]):
        parser.add_argument("--db", default=None)

    audit = commands.add_parser("audit", help="print the audit trail of a ticket or a user")
    which = audit.add_mutually_exclusive_group(required=True)
    which.add_argument("--ticket", metavar="ID")
    which.add_argument("--user", metavar="NAME")
    audit.add_argument("--db", default=None)


def run(args: argparse.Namespace, session_for: SessionFor, url: str) -> int:
    """`session_for(url)` is cli._migrated_session: a session on the migrated database."""
    if args.command == "audit":
        return _audit(args, session_for, url)
    password = None
    if args.users_command in ("add", "passwd"):
        if not args.password_stdin:
            return _refused("give the password on standard input with --password-stdin")
        password = _read_password()
        if not password:
            return _refused("no password on standard input")
    from central_api.accounts import AccountError

    with session_for(url) as session:
        try:
            return _users(args, session, password)
        except AccountError as exc:
            return _refused(exc.message)


def _users(args: argparse.Namespace, session: Session, password: str | None) -> int:
    from central_api import accounts
    from central_api.audit import command_line_actor

    actor = command_line_actor()
    command = args.users_command
    if command == "list":
        from sqlalchemy import select

        from central_api.models import User

        for user in session.scalars(select(User).order_by(User.username)):
            state = "active" if user.active else "disabled"
            print("\t".join((user.username, user.role, user.unit_code or "-", state,
                             user.display_name)))
        return 0
    if command == "add":
        assert password is not None
        user = accounts.add_user(session, username=args.name, role=Role(args.role),
                                 display_name=args.display_name or args.name,
                                 unit_code=args.unit, password=password, actor=actor)
        print(f"added {user.username} ({user.role})")
    elif command == "passwd":
        assert password is not None
        accounts.set_password(session, args.name, password, actor=actor)
        print(f"password of {args.name} changed; its sessions ended")
    elif command in ("disable", "enable"):
        accounts.set_active(session, args.name, command == "enable", actor=actor)
        print(f"{args.name} {command}d" + ("; its sessions ended" if command == "disable"
                                           else ""))
    else:
        revoked = accounts.end_sessions(session, args.name, actor=actor)
        print(f"{args.name}: {revoked} session(s) ended")
    return 0


def _audit(args: argparse.Namespace, session_for: SessionFor, url: str) -> int:
    from central_api import audit

    with session_for(url) as session:
        found = audit.entries(session, ticket_id=args.ticket, actor=args.user)
        for entry in found:
            print(audit.as_line(entry))
    if not found:
        print("no audit entries", file=sys.stderr)
    return 0


def _read_password() -> str:
    # One line: what `echo` or a password manager pipes in, without its line break.
    return sys.stdin.readline().removesuffix("\n").removesuffix("\r")


def _refused(message: str) -> int:
    print(f"agent-api: {message}", file=sys.stderr)
    return REFUSED
