"""`agent-api`: run or migrate the central API; accounts and the audit trail (admin_cli.py)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from central_api import admin_cli
from central_api.limits import Lockout, ServerLimits
from central_api.migrate import MigrationError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def default_db_url() -> str:
    folder = Path(platformdirs.user_data_dir("hotline-central-api", "hotline12345"))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'central.db'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="agent-api", description="12345 hotline central API")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate the database, then serve")
    serve.add_argument("--db", default=None, help="SQLAlchemy URL (default: a local SQLite file)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8345)
    serve.add_argument("--demo-users", action="store_true",
                       help="create the demo users (password 'demo')")
    serve.add_argument("--demo", action="store_true",
                       help="demo users (password 'demo'), demo tickets and KB articles, "
                            "simulated units")
    serve.add_argument("--lockout-after", type=int, nargs=2, metavar=("ACCOUNT", "ADDRESS"),
                       default=None, help="failed sign-ins before an account and a source "
                                          "address are locked out (default: 5 30)")
    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.add_argument("--db", default=None)
    compact = commands.add_parser(
        "compact", help="remove old deletion tombstones; older cursors then resync")
    compact.add_argument("--db", default=None)
    compact.add_argument("--older-than-days", type=int, default=90)
    new_epoch = commands.add_parser(
        "new-epoch", help="after restoring the database from a backup: every client pulls "
                          "everything again and sends back what the backup lacks")
    new_epoch.add_argument("--db", default=None)
    admin_cli.add_parsers(commands)
    args = parser.parse_args(argv)
    url = args.db or ""
    try:
        url = url or default_db_url()
        if args.command == "migrate":
            from central_api.migrate import upgrade

            upgrade(url)
            return 0
        if args.command == "compact":
            return _compact(url, args.older_than_days)
        if args.command == "new-epoch":
            return _new_epoch(url)
        if args.command in ("users", "audit"):
            return admin_cli.run(args, _migrated_session, url)
        import uvicorn

        from central_api.app import create_app
        from central_api.epochs import note_high_water

        demo_tickets: list[dict[str, Any]] = []
        demo_articles: list[dict[str, Any]] = []
        if args.demo:
            from datetime import datetime

            from agent_app.core.calendar import CHINA_TZ
            from agent_app.demo.generate import generate_demo_tickets
            from agent_app.demo.runtime import demo_articles as shipped_articles

            demo_tickets = generate_demo_tickets(now=datetime.now(CHINA_TZ))
            demo_articles = shipped_articles()
        app = create_app(url, seed_demo_users=args.demo or args.demo_users,
                         demo_tickets=demo_tickets, demo_articles=demo_articles,
                         server_limits=_limits(args.lockout_after))
        if args.demo:
            from central_api.simulator import UnitSimulator

            UnitSimulator(app.state.sessions).start()
    except (SQLAlchemyError, MigrationError, ModuleNotFoundError, OSError) as exc:
        print(f"agent-api: cannot use database {_shown(url)}: {_one_line(exc)}", file=sys.stderr)
        return 2
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    note_high_water(app.state.engine)
    return 0


def _limits(lockout_after: list[int] | None) -> ServerLimits | None:
    if lockout_after is None:
        return None
    account, address = (max(1, n) for n in lockout_after)
    return ServerLimits(account=Lockout(threshold=account), address=Lockout(threshold=address))


@contextmanager
def _migrated_session(url: str) -> Iterator[Session]:
    """A session on the database at `url`, its schema brought up to date first."""
    from central_api import db
    from central_api.migrate import upgrade

    engine = db.make_engine(url)
    upgrade(engine)
    try:
        with db.session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _compact(url: str, days: int) -> int:
    from datetime import timedelta

    from central_api.tickets import compact_tombstones

    with _migrated_session(url) as session:
        removed, floor = compact_tombstones(session, timedelta(days=days))
    print(f"removed {removed} tombstone(s); cursors below {floor} will resync")
    return 0


def _new_epoch(url: str) -> int:
    from central_api.audit import command_line_actor
    from central_api.epochs import current_epoch, start_new_epoch

    with _migrated_session(url) as session:
        try:
            old = current_epoch(session)
        except RuntimeError as exc:
            print(f"agent-api: {exc}", file=sys.stderr)
            return 2
        new = start_new_epoch(session, replacing=old, actor=command_line_actor())
    print(f"server epoch {old} → {new}: clients resync at their next sync")
    return 0


def _shown(url: str) -> str:
    try:
        return repr(make_url(url).render_as_string(hide_password=True))
    except ArgumentError:
        return repr(url)


def _one_line(exc: BaseException) -> str:
    # SQLAlchemy appends the SQL and a link on further lines; the driver's first line says why.
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(cause).__name__


if __name__ == "__main__":
    sys.exit(main())
