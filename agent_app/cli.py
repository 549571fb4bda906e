"""`agent-app`: the GUI by default, and the subcommands of DESIGN.md §7 that exist so far.
This module parses the command line and dispatches; each subcommand lives in
agent_app/commands/, in a module of its name."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from agent_app import __version__
from agent_app.commands.call import hand_over_call, is_phone_like

# Logging, paths and the rest are imported inside main(): a screen pop hands its number over
# before any of it is needed (every millisecond of it is the caller's).


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="agent-app",
                                     description="12345 hotline agent desktop client")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", type=Path,
                        help="where the local cache and settings live")
    # The same option after the subcommand (`agent-app call --number N --data-dir D`, as
    # telephony systems and scripts write it). SUPPRESS: when it is not given there, the
    # value given before the subcommand stays.
    data_dir_after = argparse.ArgumentParser(add_help=False)
    data_dir_after.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS,
                                help="where the local cache and settings live")
    parser.add_argument("--server", dest="server_url", help="central API URL")
    parser.add_argument("--demo", action="store_true",
                        help="start an embedded central API with demo data, signed in")
    parser.add_argument("--lang", dest="language", choices=["zh_CN", "en"],
                        help="interface language (default: zh_CN)")
    # For the installer's smoke test and the start-up benchmark: save a picture of the window
    # on top and quit, this many milliseconds after the event loop starts.
    parser.add_argument("--screenshot", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--quit-after-ms", type=int, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("selfcheck", help="open the database, migrate, load Qt, exit 0",
                        parents=[data_dir_after])
    call = commands.add_parser(
        "call", help="screen pop: a new intake form for this caller in the running instance",
        parents=[data_dir_after])
    call.add_argument("--number", required=True, type=_incoming_number,
                      help="the caller's number as the telephony system passes it")
    call.add_argument("--missed", action="store_true",
                      help="an abandoned call (漏接): kept in the local cache for a callback")
    call.add_argument("--at", type=_aware_time, metavar="ISO",
                      help="when the call was missed (ISO 8601 with offset; default now)")
    sync = commands.add_parser("sync", help="push local changes and pull the server's, headless",
                               parents=[data_dir_after])
    sync.add_argument("--once", action="store_true", help="one round, then exit")
    report = commands.add_parser(
        "report", help="the monthly unit tables and hot topics, from the local cache or a file",
        parents=[data_dir_after])
    report.add_argument("--month", required=True, metavar="YYYY-MM")
    report.add_argument("--from-jsonl", type=Path, metavar="FILE",
                        help="tickets in the interchange format ('-' reads stdin); bad lines "
                             "are reported and skipped (exit 1)")
    report.add_argument("--scores", type=Path, metavar="FILE.csv",
                        help="the official score table (columns unit,score; optional month): "
                             "replaces the computed scores; a bad line stops the command")
    report.add_argument("--adjustments", type=Path, metavar="FILE.csv",
                        help="manual 加分/扣分 (columns unit,points,reason,by,role; role lead "
                             "or admin)")
    report.add_argument("--policy", type=Path, metavar="FILE.json",
                        help="an assessment policy instead of the shipped one (component "
                             "points, dated call-in shares); a bad entry stops the command")
    report.add_argument("--notes", type=Path, metavar="FILE.json",
                        help="the bulletin's 案例摘登 and 工作动态: {\"cases\": text, "
                             "\"activities\": text}")
    report.add_argument("--format", choices=["json", "xlsx", "csv", "docx"],
                        help="default: from the -o suffix, else json")
    report.add_argument("-o", "--output", type=Path, metavar="OUT",
                        help="file to write (default: stdout; required for xlsx)")
    _add_kb_commands(commands, data_dir_after)
    _add_intake_commands(commands, data_dir_after)
    diagnostics = commands.add_parser(
        "diagnostics", help="zip the logs, version and settings for IT (phones and tokens masked)",
        parents=[data_dir_after])
    diagnostics.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.zip")
    return parser


def _add_kb_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser],
                     data_dir_after: argparse.ArgumentParser) -> None:
    kb = commands.add_parser("kb", help="knowledge base: import articles, search them",
                             parents=[data_dir_after])
    kb_commands = kb.add_subparsers(dest="kb_command", required=True)
    kb_import = kb_commands.add_parser(
        "import", help="add or update articles from JSON Lines; bad lines are reported and "
                       "skipped (exit 1), the rest imported", parents=[data_dir_after])
    kb_import.add_argument("file", type=Path, metavar="FILE.jsonl", help="'-' reads stdin")
    kb_search = kb_commands.add_parser("search", help="search the local KB, best first",
                                       parents=[data_dir_after])
    kb_search.add_argument("text", nargs="?", help="what to look for")
    kb_search.add_argument("--json", action="store_true", help="a JSON array of hits")
    kb_search.add_argument("--limit", type=int, default=10, help="hits per query (10)")
    kb_search.add_argument("--batch", type=Path, metavar="FILE",
                           help="one query per line in, one JSON array per line out")


def _add_intake_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser],
                         data_dir_after: argparse.ArgumentParser) -> None:
    intake = commands.add_parser("intake", help="smart intake: proposals from appeal texts",
                                 parents=[data_dir_after])
    intake_commands = intake.add_subparsers(dest="intake_command", required=True)
    suggest = intake_commands.add_parser(
        "suggest", help="categories, place, phones and risk proposed for an appeal text",
        parents=[data_dir_after])
    suggest.add_argument("text", nargs="?", help="the appeal text")
    suggest.add_argument("--batch", type=Path, metavar="FILE",
                         help="one appeal text per line in ('-' reads stdin), one JSON "
                              "object per line out")
    suggest.add_argument("--json", action="store_true", help="a JSON object")


def _incoming_number(text: str) -> str:
    if not is_phone_like(text):
        raise argparse.ArgumentTypeError(f"not a phone number: {text!r}")
    return text


def _aware_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"the time needs an offset, e.g. +08:00: {text!r}")
    return moment


def resolve_data_dir(given: Path | None, *, demo: bool) -> Path:
    if given is not None:
        return given
    from agent_app.paths import default_data_dir

    # The demo never writes into a real operator's cache.
    return default_data_dir() / "demo" if demo else default_data_dir()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    data_dir = resolve_data_dir(args.data_dir, demo=args.demo)
    if args.command == "call" and not args.missed and hand_over_call(data_dir, args.number):
        return 0  # the running instance has the form up: nothing else to load
    from agent_app.logging_setup import configure_logging, current_log_dir
    from agent_app.paths import default_log_dir

    # An explicit data folder keeps its own logs too (tests, a second profile on one PC).
    configure_logging(log_dir=args.data_dir / "logs" if args.data_dir else default_log_dir())
    if args.command == "selfcheck":
        from agent_app.commands.selfcheck import run_selfcheck

        return run_selfcheck(data_dir)
    if args.command == "call" and args.missed:
        from agent_app.commands.call import run_missed_call

        return run_missed_call(data_dir, args.number, args.at)
    if args.command == "sync":
        from agent_app.commands.sync import run_sync

        return run_sync(data_dir, args.server_url, once=args.once)
    if args.command == "report":
        from agent_app.commands.report import run_report

        return run_report(data_dir, args.month, source=args.from_jsonl, fmt=args.format,
                          output=args.output, scores=args.scores,
                          adjustments=args.adjustments, notes=args.notes,
                          policy_file=args.policy)
    if args.command == "kb":
        from agent_app.commands.kb import run_import, run_search

        if args.kb_command == "import":
            return run_import(data_dir, args.file)
        return run_search(data_dir, args.text, as_json=args.json, limit=args.limit,
                          batch=args.batch)
    if args.command == "intake":
        from agent_app.commands.intake import run_suggest

        return run_suggest(args.text, batch=args.batch, as_json=args.json)
    if args.command == "diagnostics":
        from agent_app.commands.diagnostics import run_export

        return run_export(args.output, data_dir=data_dir, log_dir=current_log_dir())
    from agent_app.commands import gui

    return gui.launch_gui(data_dir, args)


if __name__ == "__main__":
    sys.exit(main())
