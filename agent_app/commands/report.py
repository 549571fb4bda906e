"""`agent-app report --month YYYY-MM [--from-jsonl FILE] [--scores FILE.csv]
[--adjustments FILE.csv] [--format json|xlsx|csv|docx] [-o OUT]`.

From the local cache by default (`--data-dir` like the other commands), or from a JSON Lines
file of tickets in the interchange format of DESIGN.md §7, each optionally with `unit_group`.
A month without data is an empty report, not an error. The report is assessed
(agent_app.core.assessment): score, rank by score, call-ins, each group's threshold. An official
score table (`unit,score`, optionally `month`) replaces the computed scores of the units it
names; manual adjustments (`unit,points,reason,by,role`) move the computed ones. A bad line in
either file stops the command before anything is written (exit 2), each bad line named.

Exit codes: 0 done; 1 done, but some input lines were bad and skipped (reported on stderr by
line number); 2 nothing done (bad arguments, or the file or the database could not be used).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import IO, Any

from agent_app.core.assessment import (
    POLICY_FILENAME,
    Adjustment,
    AssessmentPolicy,
    InputError,
    OfficialScore,
    PolicyError,
    assess_month,
    parse_adjustments,
    parse_scores,
)
from agent_app.core.interchange import InterchangeError
from agent_app.core.network import shipped_network
from agent_app.core.network_report import (
    MISSED_CALL_RECORD,
    NETWORK_EVENT_KINDS,
    NetworkTally,
    check_missed_call,
    network_tables_to_dict,
)
from agent_app.core.reference import ReferenceData, shipped_documents
from agent_app.core.reports import (
    Month,
    MonthlyReport,
    ReportTicket,
    UnitDirectory,
    acceptance_check,
    compute_report,
    policy_deadlines,
    report_ticket_from_dict,
)
from agent_app.export import FORMATS, write_report
from agent_app.gc_pause import cyclic_gc_paused
from agent_app.jsonl import BadLine, json_lines
from agent_app.paths import resources_dir

EXIT_OK, EXIT_PARTIAL, EXIT_FAILED = 0, 1, 2


def read_report_tickets(handle: IO[bytes], bad: list[BadLine],
                        network: NetworkTally | None = None) -> list[ReportTicket]:
    """The tickets of a JSON Lines file; lines that are not one are noted in `bad`. A unit no
    catalogue places stays in the report under the other units: the score and adjustment
    tables, not the tickets, are where an unplaceable name is an error. With `network`, each
    ticket and each missed-call line (`"record": "missed_call"`) is also counted there."""
    tickets = []
    for number, value in json_lines(handle, bad):
        try:
            if isinstance(value, dict) and value.get("record") == MISSED_CALL_RECORD:
                check_missed_call(value)
                if network is not None:
                    network.add_missed_call(value)
                continue
            tickets.append(report_ticket_from_dict(value))
            if network is not None:
                network.add_ticket(value)
        except InterchangeError as exc:
            bad.append(BadLine(number, str(exc)))
    return tickets


def network_tally(month: Month) -> NetworkTally:
    reference = ReferenceData.from_documents(shipped_documents(resources_dir() / "catalogues"))
    return NetworkTally(month, shipped_network(), reference.catalogue, reference.calendar)


def report_from_tickets(tickets: Iterable[ReportTicket], month: Month, *,
                        now: datetime) -> MonthlyReport:
    """With the shipped catalogue and calendar: a file may come from any installation."""
    reference = _shipped_reference()
    return compute_report(tickets, month,
                          directory=UnitDirectory.from_catalogue(reference.catalogue),
                          accepted_in_time=acceptance_check(reference.policy,
                                                            reference.calendar),
                          as_of=now,
                          deadline_for=policy_deadlines(reference.policy, reference.calendar))


@cache
def _shipped_reference() -> ReferenceData:
    # Read once: the assessment makes the report of each earlier month of the year too.
    return ReferenceData.from_documents(shipped_documents(resources_dir() / "catalogues"))


def shipped_policy(path: Path | None = None) -> AssessmentPolicy:
    """The policy shipped in resources/policy, or the file given instead."""
    return AssessmentPolicy.load(path or resources_dir() / "policy" / POLICY_FILENAME)


def shipped_directory() -> UnitDirectory:
    return UnitDirectory.from_catalogue(_shipped_reference().catalogue)


class _Inputs:
    """The official scores and adjustments, read and checked before any report is made."""

    def __init__(self) -> None:
        self.scores: list[OfficialScore] = []
        self.adjustments: list[Adjustment] = []


def _read_inputs(scores: Path | None, adjustments: Path | None,
                 directory: UnitDirectory) -> _Inputs | None:
    inputs = _Inputs()
    problems = False
    for path, parse, target in ((scores, parse_scores, inputs.scores),
                                (adjustments, parse_adjustments, inputs.adjustments)):
        if path is None:
            continue
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError as exc:
            print(f"cannot read {path}: {exc.strerror}", file=sys.stderr)
            return None
        except UnicodeDecodeError:
            print(f"{path}: not UTF-8 text", file=sys.stderr)
            return None
        try:
            target.extend(parse(text, directory, source=path.name))  # type: ignore[arg-type]
        except InputError as exc:
            for number, reason in exc.problems:
                print(f"{path.name} line {number}: {reason}", file=sys.stderr)
            problems = True
    if problems:
        print("nothing applied: correct the lines above and run the command again",
              file=sys.stderr)
        return None
    return inputs


def _assessed_from_cache(data_dir: Path, month: Month, now: datetime,
                         policy: AssessmentPolicy, scores: Path | None,
                         adjustments: Path | None
                         ) -> tuple[MonthlyReport, NetworkTally] | None:
    from agent_app.storage.database import DB_FILENAME, CorruptDatabaseError, open_database
    from agent_app.storage.reference import load_reference
    from agent_app.storage.reports import build_assessed_month_report

    try:
        db = open_database(data_dir / DB_FILENAME)
    except (CorruptDatabaseError, OSError) as exc:
        print(f"the local database cannot be used: {exc}", file=sys.stderr)
        return None
    try:
        directory = UnitDirectory.from_catalogue(load_reference(db).catalogue)
        inputs = _read_inputs(scores, adjustments, directory)
        if inputs is None:
            return None
        report = build_assessed_month_report(db, month, now=now, scores=inputs.scores,
                                             adjustments=inputs.adjustments, policy=policy)
        return report, _network_from_cache(db, month)
    finally:
        db.close()


def _network_from_cache(db: Any, month: Month) -> NetworkTally:
    """The network tables of the cached tickets with an event in the month, as a file of
    them would give, and the missed calls of the month. One query: the events the tables
    read, of those tickets, with the fields the acceptance limit needs."""
    import json

    from sqlalchemy import select

    from agent_app.storage.missed_calls import missed_call_records
    from agent_app.storage.schema import TicketEventRow, TicketRow

    tally = network_tally(month)
    in_month = (select(TicketEventRow.ticket_id)
                .where(TicketEventRow.at >= month.start, TicketEventRow.at < month.end)
                .distinct())
    query = (select(TicketRow.id, TicketRow.created_at, TicketRow.urgency,
                    TicketRow.category_l1, TicketRow.category_l2, TicketRow.content,
                    TicketEventRow.at, TicketEventRow.kind, TicketEventRow.data)
             .join(TicketEventRow, TicketEventRow.ticket_id == TicketRow.id)
             .where(TicketRow.id.in_(in_month), TicketEventRow.kind.in_(NETWORK_EVENT_KINDS))
             .order_by(TicketRow.id, TicketEventRow.at))
    current: dict[str, Any] | None = None
    with db.unit_of_work() as uow:
        for row in uow.session.execute(query):
            if current is None or current["id"] != row.id:
                if current is not None:
                    tally.add_ticket(current)
                current = {"id": row.id, "created_at": row.created_at.isoformat(),
                           "urgency": row.urgency, "content": row.content, "events": [],
                           "category": [row.category_l1, row.category_l2]
                           if row.category_l1 and row.category_l2 else None}
            current["events"].append({**json.loads(row.data or "{}"),
                                      "at": row.at.isoformat(), "kind": row.kind})
    if current is not None:
        tally.add_ticket(current)
    for call in missed_call_records(db, month.start, month.end):
        tally.add_missed_call(call)
    return tally


def _format(fmt: str | None, output: Path | None) -> str:
    """The format asked for, else the output file's suffix, else JSON."""
    if fmt:
        return fmt
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return suffix if suffix in FORMATS else "json"


def run_report(data_dir: Path, month_text: str, *, source: Path | None = None,
               fmt: str | None = None, output: Path | None = None,
               now: datetime | None = None, scores: Path | None = None,
               adjustments: Path | None = None, notes: Path | None = None,
               policy_file: Path | None = None) -> int:
    try:
        month = Month.parse(month_text)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    fmt = _format(fmt, output)
    if fmt in ("xlsx", "docx") and output is None:
        print(f"an {fmt.upper()} report needs -o FILE.{fmt}", file=sys.stderr)
        return EXIT_FAILED
    now = now or datetime.now(UTC)
    bad: list[BadLine] = []
    bulletin_notes = None
    if notes is not None:
        from agent_app.export.report_docx import BulletinNotes

        try:
            bulletin_notes = BulletinNotes.load(notes)
        except OSError as exc:
            print(f"cannot read the notes {notes}: {exc.strerror}", file=sys.stderr)
            return EXIT_FAILED
        except UnicodeDecodeError:
            print(f"cannot use the notes {notes}: not UTF-8 text", file=sys.stderr)
            return EXIT_FAILED
        except json.JSONDecodeError as exc:  # its own words quote the decoder, not the file
            print(f"cannot use the notes {notes}: not JSON (line {exc.lineno}, column "
                  f"{exc.colno})", file=sys.stderr)
            return EXIT_FAILED
        except ValueError as exc:  # BulletinNotes' own sentence
            print(f"cannot use the notes {notes}: {exc}", file=sys.stderr)
            return EXIT_FAILED
    try:
        policy = shipped_policy(policy_file)
    except PolicyError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    network: NetworkTally | None = None
    if source is None:
        cached = _assessed_from_cache(data_dir, month, now, policy, scores, adjustments)
        if cached is None:
            return EXIT_FAILED
        report, network = cached
    else:
        directory = shipped_directory()
        inputs = _read_inputs(scores, adjustments, directory)
        if inputs is None:
            return EXIT_FAILED
        try:
            handle = sys.stdin.buffer if str(source) == "-" else source.open("rb")
        except OSError as exc:
            print(f"cannot read {source}: {exc.strerror}", file=sys.stderr)
            return EXIT_FAILED
        network = network_tally(month)
        with handle, cyclic_gc_paused():
            tickets = read_report_tickets(handle, bad, network)
            report = assess_month(
                month, lambda m: report_from_tickets(tickets, m, now=now), policy, directory,
                scores=inputs.scores, adjustments=inputs.adjustments)
    for line in bad:
        print(f"line {line.number}: {line.reason} — skipped", file=sys.stderr)
    if fmt == "json" and network is not None:
        # The network tables (issue #16) beside the unit tables (JSON only, for now).
        text = _json_with_network(report, network)
        if output is None:
            sys.stdout.write(text)
            return EXIT_PARTIAL if bad else EXIT_OK
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_FAILED
        print(f"{month}: {len(report.units)} units, {report.totals.contacts} contacts → "
              f"{output}", file=sys.stderr)
    elif output is None:
        from agent_app.export.report_text import report_csv, report_json

        sys.stdout.write(report_json(report) if fmt == "json" else report_csv(report))
    else:
        try:
            write_report(report, fmt, output, notes=bulletin_notes)
        except OSError as exc:
            print(f"cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_FAILED
        print(f"{month}: {len(report.units)} units, {report.totals.contacts} contacts → "
              f"{output}", file=sys.stderr)
    return EXIT_PARTIAL if bad else EXIT_OK


def _json_with_network(report: MonthlyReport, network: NetworkTally) -> str:
    import json

    from agent_app.core.reports import report_to_dict

    data = report_to_dict(report)
    data["network"] = network_tables_to_dict(network.tables())
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
